package org.specscope.engine.trace;

/**
 * How far a budgeted verification pass's logits are from the unbudgeted pass over the same tree
 * (measured by sweeps, which run both).
 *
 * @param nodes          verified nodes compared
 * @param top1Agreements nodes where both passes' most probable next token agree
 * @param klSum          sum over nodes of KL(full || budgeted) of the next-token distributions, in nats
 */
public record VerificationQuality(int nodes, int top1Agreements, double klSum) {

    /** The share of compared nodes whose top-1 agreed; NaN when none were compared. */
    public double top1AgreementRate() {
        return nodes == 0 ? Double.NaN : (double) top1Agreements / nodes;
    }

    /** The mean KL(full || budgeted) per compared node, in nats; NaN when none were compared. */
    public double klMean() {
        return nodes == 0 ? Double.NaN : klSum / nodes;
    }

    public VerificationQuality plus(VerificationQuality o) {
        return new VerificationQuality(nodes + o.nodes, top1Agreements + o.top1Agreements, klSum + o.klSum);
    }
}
