package org.specscope.engine.moe;

import java.util.Arrays;

/**
 * What one MoE layer's router decided for every token of one forward pass: the raw router
 * logits, the full softmax over all experts, the chosen top-k experts in descending probability
 * and the weights their outputs were mixed with. Immutable: built from copies.
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

    public LayerRouting(int layer, int tokens, int numExperts, int topK, float[] routerLogits, float[] probs,
                        int[] expertIds, float[] weights) {
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

    /** The {@code rank}-th chosen expert of {@code token} (rank 0 = most probable). */
    public int expertId(int token, int rank) {
        return expertIds[token * topK + rank];
    }

    /** The weight the {@code rank}-th chosen expert's output was mixed with. */
    public float weight(int token, int rank) {
        return weights[token * topK + rank];
    }

    /** A copy of {@code token}'s full routing distribution. */
    public float[] probs(int token) {
        return Arrays.copyOfRange(probs, token * numExperts, (token + 1) * numExperts);
    }

    /** A copy of {@code token}'s chosen experts. */
    public int[] expertIds(int token) {
        return Arrays.copyOfRange(expertIds, token * topK, (token + 1) * topK);
    }

    /** A copy of {@code token}'s expert weights. */
    public float[] weights(int token) {
        return Arrays.copyOfRange(weights, token * topK, (token + 1) * topK);
    }

    /** How many distinct experts the pass used in this layer (the weights verification must load). */
    public int distinctExperts() {
        boolean[] used = new boolean[numExperts];
        int n = 0;
        for (int id : expertIds) {
            if (!used[id]) {
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
