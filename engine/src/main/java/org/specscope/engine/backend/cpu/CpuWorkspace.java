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
    /** SwiGLU gate and up activations, one row of the widest feed-forward per token (per routed pair in an MoE layer). */
    float[] gate, up;
    /** Router logits and full softmax [tokens x experts]; top-k ids and weights [tokens x k]. */
    float[] routerLogits, routerProbs, routerWeights;
    int[] routerIds;
    /**
     * Expert grouping: pairs per expert and where each expert's pairs start, the token and routing
     * weight of each pair (grouped by expert), the pairs' gathered inputs and expert outputs.
     */
    int[] expertCount, expertStart, groupRows;
    float[] groupWeights, gathered, expertOut, shared;
    /** The products of one parallel region (q, k, v; or every expert's gate and up, then down). */
    final MatMulBatch batch = new MatMulBatch();
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
        this.expertStart = new int[experts + 1];
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
        int pairs = t * Math.max(1, topK);
        gate = new float[pairs * ffnWidth];
        up = new float[pairs * ffnWidth];
        routerLogits = new float[t * experts];
        routerProbs = new float[t * experts];
        routerIds = new int[t * topK];
        routerWeights = new float[t * topK];
        groupRows = new int[t * topK];
        groupWeights = new float[t * topK];
        gathered = new float[pairs * hidden];
        expertOut = new float[pairs * hidden];
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
