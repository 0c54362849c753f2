package org.specscope.engine.moe;

/**
 * Turns router logits into expert choices exactly as the Hugging Face families do: a softmax
 * over ALL experts in float32, the k most probable experts (ties to the lower id), and their
 * probabilities as weights, renormalised to sum 1 only where the family does.
 */
public final class TopKRouter {

    private final int numExperts;
    private final int topK;
    private final boolean normalizeTopK;

    public TopKRouter(int numExperts, int topK, boolean normalizeTopK) {
        if (topK < 1 || topK > numExperts) {
            throw new IllegalArgumentException("top-" + topK + " of " + numExperts + " experts");
        }
        this.numExperts = numExperts;
        this.topK = topK;
        this.normalizeTopK = normalizeTopK;
    }

    public int numExperts() {
        return numExperts;
    }

    public int topK() {
        return topK;
    }

    public boolean normalizesTopK() {
        return normalizeTopK;
    }

    /**
     * Routes {@code tokens} tokens: reads {@code logits[t*N .. t*N+N)}, writes the full softmax
     * to {@code probs} (same layout) and the choices to {@code ids}/{@code weights} ([t*k ..]).
     */
    public void route(float[] logits, int tokens, float[] probs, int[] ids, float[] weights) {
        for (int t = 0; t < tokens; t++) {
            softmax(logits, t * numExperts, probs, t * numExperts, numExperts);
            selectTopK(probs, t * numExperts, ids, t * topK);
            float sum = 0;
            for (int j = 0; j < topK; j++) {
                float w = probs[t * numExperts + ids[t * topK + j]];
                weights[t * topK + j] = w;
                sum += w;
            }
            if (normalizeTopK) {
                for (int j = 0; j < topK; j++) {
                    weights[t * topK + j] /= sum;
                }
            }
        }
    }

    /** Numerically stable softmax of {@code n} values. */
    public static void softmax(float[] in, int inOff, float[] out, int outOff, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, in[inOff + i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(in[inOff + i] - max);
            out[outOff + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            out[outOff + i] *= inv;
        }
    }

    /** The k largest of {@code probs[off..off+N)}, in descending order, ties to the lower id. Insertion into a k-list: k is small. */
    private void selectTopK(float[] probs, int off, int[] ids, int idsOff) {
        int filled = 0;
        for (int e = 0; e < numExperts; e++) {
            float p = probs[off + e];
            if (filled == topK && !(p > probs[off + ids[idsOff + topK - 1]])) {
                continue;
            }
            int pos = Math.min(filled, topK - 1);
            while (pos > 0 && p > probs[off + ids[idsOff + pos - 1]]) {
                ids[idsOff + pos] = ids[idsOff + pos - 1];
                pos--;
            }
            ids[idsOff + pos] = e;
            if (filled < topK) {
                filled++;
            }
        }
    }
}
