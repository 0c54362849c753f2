package org.specscope.engine.backend.cpu;

import org.specscope.engine.model.ModelConfig;

/**
 * The scratch activations of one runner's forward passes, allocated for the largest batch seen
 * so far and reused: a decode step allocates nothing but the logits it returns, so the garbage
 * collector stays out of the token loop. Sized per token; grows (by doubling) only when a
 * longer batch than ever before arrives. Not thread-safe: a runner serves one pass at a time.
 */
final class CpuWorkspace {

    private final int hidden;
    private final int queryDim;
    private final int kvDim;
    private final int ffnWidth;
    private final int experts;
    private final int topK;
    private final int threads;
    private int tokens;

    /** Residual stream, its normalised copy and each block's output, [tokens x hidden]. */
    float[] x, normed, delta;
    /** Attention projections [tokens x queryDim | kvDim] and the attended context. */
    float[] q, k, v, context;
    /** SwiGLU gate and up activations [tokens x widest feed-forward]. */
    float[] gate, up;
    /** Router logits and full softmax [tokens x experts]; top-k ids and weights [tokens x k]. */
    float[] routerLogits, routerProbs, routerWeights;
    int[] routerIds;
    /** Expert grouping: tokens per expert, their rows and routing weights, gathered inputs and outputs. */
    int[] expertCount, groupRows;
    float[] groupWeights, gathered, expertOut, shared;
    /** Attention scores per team thread, [threads][context]. */
    float[][] scores = new float[0][];

    CpuWorkspace(ModelConfig c, int ffnWidth, int threads) {
        this.hidden = c.hiddenSize();
        this.queryDim = c.queryDim();
        this.kvDim = c.kvDim();
        this.ffnWidth = ffnWidth;
        this.experts = c.moe().map(m -> m.numExperts()).orElse(0);
        this.topK = c.moe().map(m -> m.expertsPerToken()).orElse(0);
        this.threads = threads;
        this.expertCount = new int[experts];
    }

    /** Makes room for a pass over {@code n} tokens. */
    void ensureTokens(int n) {
        if (n <= tokens) {
            return;
        }
        int t = Math.max(n, 2 * tokens);
        x = new float[t * hidden];
        normed = new float[t * hidden];
        delta = new float[t * hidden];
        q = new float[t * queryDim];
        k = new float[t * kvDim];
        v = new float[t * kvDim];
        context = new float[t * queryDim];
        gate = new float[t * ffnWidth];
        up = new float[t * ffnWidth];
        routerLogits = new float[t * experts];
        routerProbs = new float[t * experts];
        routerIds = new int[t * topK];
        routerWeights = new float[t * topK];
        groupRows = new int[t * topK];
        groupWeights = new float[t * topK];
        gathered = new float[t * hidden];
        expertOut = new float[t * hidden];
        shared = new float[t * hidden];
        tokens = t;
    }

    /** Makes room for attention over {@code slots} cached and new tokens. */
    void ensureContext(int slots) {
        if (scores.length == threads && scores[0].length >= slots) {
            return;
        }
        int size = Math.max(slots, scores.length == 0 ? 0 : scores[0].length * 2);
        scores = new float[threads][size];
    }
}
