package org.specscope.engine.bench;

/**
 * The tree row: the same draft tree verified unbudgeted and under a fixed expert budget, in
 * interleaved rounds, and the ratio the MoE-Spec target is stated in.
 *
 * @param nodes      tree nodes, the root included
 * @param depth      the deepest node's depth
 * @param shape      how the tree was made, e.g. "grown as tree 6x8/63 by the target itself" (depth x top-k /
 *                   draft nodes kept)
 * @param numExperts routed experts per MoE layer (N)
 */
public record TreeMeasurement(int nodes, int depth, String shape, int numExperts, TreeVariant unbudgeted, TreeVariant budgeted) {

    /** The target: a budgeted verification takes at most this fraction of the unbudgeted one. */
    public static final double TARGET_RATIO = 0.65;

    /** Budgeted median time over unbudgeted median time. */
    public double timeRatio() {
        return budgeted.medianNanos() / unbudgeted.medianNanos();
    }

    /** Budgeted expert bytes over unbudgeted: what the budget saved in reads, the bound on the time it can save. */
    public double expertBytesRatio() {
        return (double) budgeted.expertBytes() / unbudgeted.expertBytes();
    }

    /** Budgeted weight bytes over unbudgeted (attention, router, head included). */
    public double weightBytesRatio() {
        return (double) budgeted.weightBytes() / unbudgeted.weightBytes();
    }

    public boolean meetsTarget() {
        return timeRatio() <= TARGET_RATIO;
    }
}
