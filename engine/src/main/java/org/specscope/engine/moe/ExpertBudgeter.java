package org.specscope.engine.moe;

import java.util.Arrays;

/**
 * MoE-Spec's expert budget for one MoE layer of one verification pass: scores every expert by
 * the routing probability the pass's tokens give it, keeps the set the selection policy allows,
 * and re-routes the tokens whose natural experts fell outside it. Backend-independent: the CPU
 * runner calls it between routing and the grouped expert computation; the CUDA backend's
 * expert_budget kernel (specscope_kernels.cu) performs the same float operations in the same
 * order, so a change here must be made there too (CudaParityTest compares the two).
 */
public final class ExpertBudgeter {

    private ExpertBudgeter() {
    }

    /**
     * The outcome for one layer.
     *
     * @param scores      [N] score of each expert: sum over tokens of weight_t * p_t[e]
     * @param kept        [N] whether the expert's weights are loaded in this pass
     * @param usedIds     [T*k] the experts each token finally uses, in the natural slots' order
     *                    for truncation (-1 where dropped) and by descending probability for
     *                    substitution
     * @param usedWeights [T*k] their mixing weights (0 where dropped)
     */
    public record Decision(float[] scores, boolean[] kept, int[] usedIds, float[] usedWeights) {
    }

    /**
     * Applies {@code budget} to one layer's routing.
     *
     * @param probs          [T*N] full softmax of every token
     * @param naturalIds     [T*k] each token's natural top-k, descending
     * @param naturalWeights [T*k] their weights under the family's rule
     * @param tokenWeights   [T] how much each token's probabilities count in the scores; null = 1 each
     * @param normalizeTopK  whether the family renormalises top-k weights to sum 1
     */
    public static Decision apply(ExpertBudget budget, int tokens, int numExperts, int topK, float[] probs,
                                 int[] naturalIds, float[] naturalWeights, float[] tokenWeights,
                                 boolean normalizeTopK) {
        float[] scores = scores(probs, tokens, numExperts, tokenWeights);
        boolean[] kept = select(budget.selection(), scores, numExperts, topK);
        int[] ids = new int[tokens * topK];
        float[] w = new float[tokens * topK];
        for (int t = 0; t < tokens; t++) {
            int off = t * topK;
            if (budget.coverage() == CoveragePolicy.SUBSTITUTE) {
                substitute(probs, t * numExperts, numExperts, topK, kept, ids, w, off);
            } else {
                truncate(probs, t * numExperts, topK, kept, naturalIds, ids, w, off);
            }
            if (normalizeTopK) {
                float sum = 0;
                for (int j = 0; j < topK; j++) {
                    sum += w[off + j];
                }
                if (sum > 0) {
                    for (int j = 0; j < topK; j++) {
                        w[off + j] /= sum;
                    }
                }
            }
        }
        return new Decision(scores, kept, ids, w);
    }

    /** s[e] = sum over tokens of weight_t * p_t[e] (MoE-Spec's aggregate routing probability). */
    public static float[] scores(float[] probs, int tokens, int numExperts, float[] tokenWeights) {
        float[] s = new float[numExperts];
        for (int t = 0; t < tokens; t++) {
            float wt = tokenWeights == null ? 1f : tokenWeights[t];
            int off = t * numExperts;
            for (int e = 0; e < numExperts; e++) {
                s[e] += wt * probs[off + e];
            }
        }
        return s;
    }

    /** The kept set: the highest-scoring experts (ties to the lower id), as many as the policy allows. */
    public static boolean[] select(SelectionPolicy policy, float[] scores, int numExperts, int topK) {
        Integer[] order = new Integer[numExperts];
        for (int e = 0; e < numExperts; e++) {
            order[e] = e;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        float[] sorted = new float[numExperts];
        for (int i = 0; i < numExperts; i++) {
            sorted[i] = scores[order[i]];
        }
        int keep = policy.keepCount(sorted, numExperts, topK);
        boolean[] kept = new boolean[numExperts];
        for (int i = 0; i < keep; i++) {
            kept[order[i]] = true;
        }
        return kept;
    }

    /** The token's top-k among the kept experts, weighted by the original full-softmax probabilities. */
    private static void substitute(float[] probs, int pOff, int numExperts, int topK, boolean[] kept, int[] ids,
                                   float[] w, int off) {
        int filled = 0;
        for (int e = 0; e < numExperts; e++) {
            if (!kept[e]) {
                continue;
            }
            float p = probs[pOff + e];
            if (filled == topK && !(p > probs[pOff + ids[off + topK - 1]])) {
                continue;
            }
            int pos = Math.min(filled, topK - 1);
            while (pos > 0 && p > probs[pOff + ids[off + pos - 1]]) {
                ids[off + pos] = ids[off + pos - 1];
                pos--;
            }
            ids[off + pos] = e;
            if (filled < topK) {
                filled++;
            }
        }
        for (int j = 0; j < topK; j++) {
            w[off + j] = probs[pOff + ids[off + j]];
        }
    }

    /** The natural top-k with the experts outside the kept set dropped. */
    private static void truncate(float[] probs, int pOff, int topK, boolean[] kept, int[] naturalIds, int[] ids,
                                 float[] w, int off) {
        for (int j = 0; j < topK; j++) {
            int e = naturalIds[off + j];
            if (kept[e]) {
                ids[off + j] = e;
                w[off + j] = probs[pOff + e];
            } else {
                ids[off + j] = -1;
                w[off + j] = 0;
            }
        }
    }
}
