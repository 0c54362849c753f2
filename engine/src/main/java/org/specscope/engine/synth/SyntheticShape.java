package org.specscope.engine.synth;

import org.specscope.engine.model.Architecture;

/**
 * The shape of a synthetic checkpoint: a {@link ModelPreset} shrunk by a scale factor F.
 *
 * <p>The scaling rule (also in {@code synth --help}):
 * <ul>
 *   <li>head_dim is kept; heads = max(1, round(heads x F)); key/value heads = the largest divisor of
 *       heads that is at most max(1, round(kv_heads x F)), so GQA stays valid and keeps its ratio
 *       where the scale allows;</li>
 *   <li>hidden = heads x head_dim where the family ties them (Mixtral, OLMoE), else
 *       max(64, hidden x F rounded to a multiple of 64) (Qwen3);</li>
 *   <li>intermediate sizes: max(64, size x F rounded to a multiple of 64);</li>
 *   <li>experts: max(min(experts, 2 x top-k), round(experts x F)); top-k is kept. The floor of
 *       2 x top-k keeps routing a real choice: with experts = top-k every token would use them all;</li>
 *   <li>layers and vocabulary are the real model's unless overridden (--layers, --vocab).</li>
 * </ul>
 * F = 1 reproduces the preset exactly.
 */
public record SyntheticShape(ModelPreset preset, int numLayers, int hiddenSize, int numHeads, int numKvHeads,
                             int headDim, int intermediateSize, int expertIntermediateSize, int numExperts,
                             int expertsPerToken, int vocabSize) {

    public SyntheticShape {
        if (numLayers < 1) {
            throw new IllegalArgumentException("--layers must be at least 1, got " + numLayers);
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("--vocab must be positive, got " + vocabSize);
        }
    }

    /**
     * The preset scaled by {@code scale} (0 &lt; F &lt;= 1); {@code layers} and {@code vocab}, when
     * not null, replace the real counts.
     */
    public static SyntheticShape of(ModelPreset p, double scale, Integer layers, Integer vocab) {
        return of(p, scale, layers, vocab, null);
    }

    /**
     * As {@link #of(ModelPreset, double, Integer, Integer)}, with {@code experts}, when not null,
     * replacing the scaled expert count: budget studies want the real N at a small width.
     */
    public static SyntheticShape of(ModelPreset p, double scale, Integer layers, Integer vocab, Integer experts) {
        if (experts != null && experts < p.expertsPerToken()) {
            throw new IllegalArgumentException("--experts must be at least the top-k of " + p.expertsPerToken()
                    + ", got " + experts);
        }
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("--scale must be in (0, 1], got " + scale);
        }
        int heads = Math.max(1, (int) Math.round(p.numHeads() * scale));
        int kvWanted = Math.max(1, (int) Math.round(p.numKvHeads() * scale));
        int kvHeads = 1;
        for (int d = Math.min(kvWanted, heads); d >= 1; d--) {
            if (heads % d == 0) {
                kvHeads = d;
                break;
            }
        }
        int hidden = p.hiddenTiedToHeads() ? heads * p.headDim() : roundTo64(p.hiddenSize() * scale);
        int expertCount = experts != null ? experts : Math.max(Math.min(p.numExperts(), 2 * p.expertsPerToken()),
                (int) Math.round(p.numExperts() * scale));
        return new SyntheticShape(p, layers != null ? layers : p.numLayers(), hidden, heads, kvHeads, p.headDim(),
                roundTo64(p.intermediateSize() * scale), roundTo64(p.expertIntermediateSize() * scale), expertCount,
                p.expertsPerToken(), vocab != null ? vocab : p.vocabSize());
    }

    private static int roundTo64(double size) {
        return (int) Math.max(64, Math.round(size / 64) * 64);
    }

    public Architecture architecture() {
        return preset.architecture();
    }

    public int queryDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Parameters of one routed expert: gate, up ([width, hidden]) and down ([hidden, width]). */
    public long expertParameters() {
        return 3L * expertIntermediateSize * hiddenSize;
    }

    /** Routed-expert parameters a token does not use: (experts - top-k) experts in every layer. */
    public long idleExpertParameters() {
        return (long) numLayers * (numExperts - expertsPerToken) * expertParameters();
    }
}
