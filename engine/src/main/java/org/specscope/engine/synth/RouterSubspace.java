package org.specscope.engine.synth;

/**
 * The hidden channels a synthetic model routes by, and the router weights that read them.
 *
 * <p>Why: in a random-weight model with N(0, 0.02^2) weights every attention block adds about
 * {@code 0.02^4 x hidden x qdim x hidden} of energy to the residual stream (its input is normalised
 * to unit RMS), a hundred times a token embedding's {@code hidden x 0.02^2}, and what it adds is the
 * average of the context's values: after a layer or two every token's hidden state is nearly the
 * same vector. A router reading that state gives all tokens of a draft tree the same experts, and
 * its 0.02-sized weights give logits spread over a few tenths of a nat, where trained routers
 * spread over one or two.
 *
 * <p>So channels {@code [0, 1 + codeWidth)} form a <em>routing subspace</em> that only the token
 * embeddings write (every attention output and expert down projection has those rows zero), so it
 * reaches every layer unchanged except for RMSNorm's division by the whole state's RMS:
 * <ul>
 *   <li>channel 0, the <em>marker</em>: the same value {@code c} in every token (half an embedding
 *       row's energy), through which routers add a per-expert popularity {@code -S ln(rank)};</li>
 *   <li>channels 1..codeWidth, the token's <em>routing code</em>: N(0, s^2) values per token, through
 *       which routers add a token-dependent part of standard deviation {@link #TOKEN_SPREAD} nats.</li>
 * </ul>
 * Routers read only this subspace, so their logits are {@code kappa x (-S ln(rank_e) + spread x
 * z_e(token))} with {@code z_e} standard normal across tokens; {@code kappa}, the realised over the
 * estimated RMSNorm scale, is near 1 when {@link #normalisedScales} predicts the residual stream well.
 * Softmax then gives expert {@code e} a mean probability close to its Zipf weight, each token its
 * own top-k, and aggregate routing mass falling as rank^-S. Attention and experts still read the
 * subspace (the marker then acts as a direction common to all tokens, as trained models have one);
 * apart from it the model is the plain random network.
 *
 * @param codeWidth        channels of routing code: min(experts, hidden / 8), at least 1
 * @param marker           the marker value c
 * @param codeStd          standard deviation s of a routing-code channel
 * @param normalisedScales per layer, the estimated factor RMSNorm multiplies the subspace by in
 *                         front of that layer's router (1 / the residual stream's RMS)
 */
record RouterSubspace(int codeWidth, double marker, double codeStd, double[] normalisedScales) {

    /**
     * Standard deviation, in nats, of a router logit's token-dependent part. Trained routers spread
     * over 1-2 nats; with 1.25, 60 tokens of text over 64 experts (top-8, zipf:1) touch about 52 of
     * them, and in simulation 32 independent tokens over 128 experts about 50, within the 25-66
     * the MoE-Spec authors saw for Qwen3-30B-A3B.
     */
    static final double TOKEN_SPREAD = 1.25;

    /** The routing code's energy as a share of the marker's: small, so that it hardly moves the RMS. */
    static final double CODE_ENERGY_SHARE = 0.25;

    RouterSubspace {
        normalisedScales = normalisedScales.clone();
    }

    /** The subspace of {@code shape}, for weights of standard deviation {@code std}. */
    static RouterSubspace of(SyntheticShape shape, double std) {
        int h = shape.hiddenSize();
        int codeWidth = Math.max(1, Math.min(shape.numExperts(), h / 8));
        double marker = std * Math.sqrt(h - 1.0);
        double codeStd = marker * Math.sqrt(CODE_ENERGY_SHARE / codeWidth);
        return new RouterSubspace(codeWidth, marker, codeStd, propagate(shape, std, 1 + codeWidth, marker * marker,
                CODE_ENERGY_SHARE * marker * marker));
    }

    /** Channels the subspace takes: the marker and the code. */
    int channels() {
        return 1 + codeWidth;
    }

    @Override
    public double[] normalisedScales() {
        return normalisedScales.clone();
    }

    double normalisedScale(int layer) {
        return normalisedScales[layer];
    }

    /** An embedding row's value on {@code channel}, given the N(0, std^2) draw {@code normal} made for it. */
    float embedding(int channel, double normal, double std) {
        if (channel == 0) {
            return (float) marker;
        }
        return (float) (normal / std * codeStd);
    }

    /**
     * A router weight on subspace {@code channel} of {@code layer}. On the marker: the expert's
     * popularity logit over the marker's normalised value. On the code: {@code unit}, the expert's
     * random direction in the code (its code weights over their length, so that every expert's
     * token-dependent part has the same spread; random lengths would make some experts popular by
     * chance), times the spread over a code channel's normalised standard deviation.
     */
    float router(int layer, int channel, double popularity, double unit) {
        double scale = normalisedScales[layer];
        if (channel == 0) {
            return (float) (popularity / (marker * scale));
        }
        return (float) (unit * TOKEN_SPREAD / (codeStd * scale));
    }

    /**
     * Estimates, layer by layer, the residual stream's squared length in front of each router, by
     * variance propagation through random matrices (E |W y|^2 = rows x std^2 x |y|^2), for a token
     * well into its context:
     * <ul>
     *   <li>the embedding: marker energy c^2, code energy, and (hidden - subspace) x std^2;</li>
     *   <li>attention averages its values over the context, so only their token-independent part
     *       survives: the marker's and the common direction's (what earlier blocks added from it). With
     *       input y normalised to squared length hidden, it adds (hidden - subspace) x std^2 x qdim x
     *       std^2 x |y_common|^2;</li>
     *   <li>an expert adds (hidden - subspace) x std^2 x width x E[silu(g)^2] x s^2, gate and up
     *       channels g, u ~ N(0, s^2) with s^2 = std^2 x hidden; top-k of them mixed with weights
     *       whose squares sum to about 1 / k. As their inputs are mostly the common direction, the
     *       outputs of tokens that share an expert agree, and about k / experts of this energy (the
     *       chance that two tokens share one) survives the next attention's average: a percent or two
     *       of what attention adds with 64 experts, a fifth of it with Mixtral's 8.</li>
     * </ul>
     * A token near the start of the sequence has less context to average over, so its stream is
     * larger and its routing a little softer, in the first layer chiefly.
     */
    private static double[] propagate(SyntheticShape s, double std, int subspace, double markerEnergy,
                                      double codeEnergy) {
        double h = s.hiddenSize();
        double var = std * std;
        double writable = h - subspace;
        double attentionGain = writable * var * s.queryDim() * var;
        double gateVar = var * h;
        double expertEnergy = writable * var * s.expertIntermediateSize() * meanSquaredSilu(gateVar) * gateVar
                / s.expertsPerToken();
        double shared = (double) s.expertsPerToken() / s.numExperts();
        double tokenPart = codeEnergy + writable * var;   // token-specific: code, ordinary embedding channels
        double common = 0;                                // the common direction attention builds from the marker
        double[] scales = new double[s.numLayers()];
        for (int l = 0; l < s.numLayers(); l++) {
            double inputScaleSq = h / (markerEnergy + common + tokenPart);
            common += attentionGain * inputScaleSq * (markerEnergy + common);
            scales[l] = Math.sqrt(h / (markerEnergy + common + tokenPart));
            common += expertEnergy * shared;
            tokenPart += expertEnergy * (1 - shared);
        }
        return scales;
    }

    /** E[silu(g)^2] for g ~ N(0, variance), by Simpson's rule over +-10 standard deviations. */
    static double meanSquaredSilu(double variance) {
        double sd = Math.sqrt(variance);
        int n = 4000;
        double a = -10 * sd;
        double step = 20 * sd / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double g = a + i * step;
            double silu = g / (1 + Math.exp(-g));
            double f = silu * silu * Math.exp(-g * g / (2 * variance)) / (sd * Math.sqrt(2 * Math.PI));
            sum += f * (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * step / 3;
    }
}
