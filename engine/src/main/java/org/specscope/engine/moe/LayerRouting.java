package org.specscope.engine.moe;

import java.util.Arrays;

/**
 * What one MoE layer's router decided for every token of one forward pass: the raw router
 * logits, the full softmax over all experts, the natural top-k experts in descending probability
 * and their weights. In a budgeted verification pass it also holds the expert scores, the kept
 * set and the experts each token finally used (substituted or truncated). Immutable: built from
 * copies.
 */
public final class LayerRouting {

    private final int layer;
    private final int tokens;
    private final int numExperts;
    private final int topK;
    private final float[] routerLogits;   // [tokens * numExperts]   ffn_moe_logits
    private final float[] probs;          // [tokens * numExperts]   ffn_moe_probs
    private final int[] expertIds;        // [tokens * topK]         ffn_moe_topk
    private final float[] weights;        // [tokens * topK]         ffn_moe_weights
    private final ExpertBudgeter.Decision budget;   // null: unbudgeted, the natural experts were used

    /** Unbudgeted routing: every token used its natural top-k. */
    public LayerRouting(int layer, int tokens, int numExperts, int topK, float[] routerLogits, float[] probs,
                        int[] expertIds, float[] weights) {
        this(layer, tokens, numExperts, topK, routerLogits, probs, expertIds, weights, null);
    }

    /** Routing under an expert budget; {@code budget} null means unbudgeted. */
    public LayerRouting(int layer, int tokens, int numExperts, int topK, float[] routerLogits, float[] probs,
                        int[] expertIds, float[] weights, ExpertBudgeter.Decision budget) {
        if (routerLogits.length != tokens * numExperts || probs.length != tokens * numExperts
                || expertIds.length != tokens * topK || weights.length != tokens * topK) {
            throw new IllegalArgumentException("routing arrays do not match " + tokens + " tokens x "
                    + numExperts + " experts, top-" + topK);
        }
        this.layer = layer;
        this.tokens = tokens;
        this.numExperts = numExperts;
        this.topK = topK;
        this.routerLogits = routerLogits.clone();
        this.probs = probs.clone();
        this.expertIds = expertIds.clone();
        this.weights = weights.clone();
        if (budget != null && (budget.scores().length != numExperts || budget.kept().length != numExperts
                || budget.usedIds().length != tokens * topK || budget.usedWeights().length != tokens * topK)) {
            throw new IllegalArgumentException("budget arrays do not match " + tokens + " tokens x " + numExperts
                    + " experts, top-" + topK);
        }
        this.budget = budget == null ? null : new ExpertBudgeter.Decision(budget.scores().clone(),
                budget.kept().clone(), budget.usedIds().clone(), budget.usedWeights().clone());
    }

    public int layer() {
        return layer;
    }

    public int tokens() {
        return tokens;
    }

    public int numExperts() {
        return numExperts;
    }

    public int topK() {
        return topK;
    }

    public float routerLogit(int token, int expert) {
        return routerLogits[token * numExperts + expert];
    }

    /** Full-softmax probability of {@code expert} for {@code token}. */
    public float prob(int token, int expert) {
        return probs[token * numExperts + expert];
    }

    /** Whether an expert budget applied to this pass. */
    public boolean isBudgeted() {
        return budget != null;
    }

    /** The {@code rank}-th natural expert of {@code token} (rank 0 = most probable). */
    public int expertId(int token, int rank) {
        return expertIds[token * topK + rank];
    }

    /** The weight the family's rule gives the {@code rank}-th natural expert. */
    public float weight(int token, int rank) {
        return weights[token * topK + rank];
    }

    /** A copy of {@code token}'s full routing distribution. */
    public float[] probs(int token) {
        return Arrays.copyOfRange(probs, token * numExperts, (token + 1) * numExperts);
    }

    /** A copy of {@code token}'s natural experts. */
    public int[] expertIds(int token) {
        return Arrays.copyOfRange(expertIds, token * topK, (token + 1) * topK);
    }

    /** A copy of {@code token}'s expert weights. */
    public float[] weights(int token) {
        return Arrays.copyOfRange(weights, token * topK, (token + 1) * topK);
    }

    /** The expert {@code token} finally used in slot {@code rank}: the natural one unless budgeted; -1 = dropped. */
    public int usedExpertId(int token, int rank) {
        return budget == null ? expertId(token, rank) : budget.usedIds()[token * topK + rank];
    }

    /** The weight the expert in slot {@code rank} was mixed with (0 where dropped). */
    public float usedWeight(int token, int rank) {
        return budget == null ? weight(token, rank) : budget.usedWeights()[token * topK + rank];
    }

    /** A copy of the experts {@code token} finally used, -1 where truncation dropped one. */
    public int[] usedExpertIds(int token) {
        return budget == null ? expertIds(token)
                : Arrays.copyOfRange(budget.usedIds(), token * topK, (token + 1) * topK);
    }

    /** A copy of the weights of the experts {@code token} finally used. */
    public float[] usedWeights(int token) {
        return budget == null ? weights(token)
                : Arrays.copyOfRange(budget.usedWeights(), token * topK, (token + 1) * topK);
    }

    /** The expert's selection score (weighted routing mass); without a budget, its routing mass. */
    public float[] scores() {
        return budget == null ? expertMass() : budget.scores().clone();
    }

    /** Each expert's routing mass: the sum over tokens of its full-softmax probability. */
    public float[] expertMass() {
        return ExpertBudgeter.scores(probs, tokens, numExperts, null);
    }

    /** Whether the expert's weights were available to this pass (always, without a budget). */
    public boolean isKept(int expert) {
        return budget == null || budget.kept()[expert];
    }

    /** Ascending ids of the experts available to this pass: all of them without a budget. */
    public int[] keptExperts() {
        int[] out = new int[numExperts];
        int n = 0;
        for (int e = 0; e < numExperts; e++) {
            if (isKept(e)) {
                out[n++] = e;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** How many distinct experts the tokens' natural top-k name (what unbudgeted verification loads). */
    public int distinctExperts() {
        return countDistinct(expertIds);
    }

    /** How many distinct experts were actually run (what this pass loaded). */
    public int distinctUsedExperts() {
        return budget == null ? distinctExperts() : countDistinct(budget.usedIds());
    }

    private int countDistinct(int[] ids) {
        boolean[] used = new boolean[numExperts];
        int n = 0;
        for (int id : ids) {
            if (id >= 0 && !used[id]) {
                used[id] = true;
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "LayerRouting[layer " + layer + ", " + tokens + " tokens, top-" + topK + " of " + numExperts + "]";
    }
}
