package org.specscope.engine.model;

import java.util.Set;

/**
 * The mixture-of-experts part of a config.
 *
 * @param numExperts                    routed experts per MoE layer (N)
 * @param expertsPerToken               experts each token uses (k)
 * @param expertIntermediateSize        width of one routed expert's SwiGLU MLP
 * @param normalizeTopK                 whether the top-k probabilities are renormalised to sum 1
 * @param sharedExpertIntermediateSize  width of the always-on shared expert (Qwen2-MoE), 0 when none
 * @param decoderSparseStep             every this-many-th layer is sparse (Qwen); 1 = all
 * @param mlpOnlyLayers                 layers forced dense whatever the step (Qwen)
 */
public record MoeConfig(int numExperts, int expertsPerToken, int expertIntermediateSize, boolean normalizeTopK,
                        int sharedExpertIntermediateSize, int decoderSparseStep, Set<Integer> mlpOnlyLayers) {

    public MoeConfig {
        mlpOnlyLayers = Set.copyOf(mlpOnlyLayers);
    }

    public boolean hasSharedExpert() {
        return sharedExpertIntermediateSize > 0;
    }

    /** Qwen's rule, which also describes Mixtral and OLMoE (step 1, no dense layers). */
    public boolean isSparseLayer(int layer) {
        return !mlpOnlyLayers.contains(layer) && numExperts > 0 && (layer + 1) % decoderSparseStep == 0;
    }
}
