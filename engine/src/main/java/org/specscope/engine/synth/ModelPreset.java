package org.specscope.engine.synth;

import org.specscope.engine.model.Architecture;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The published shape of a real MoE model, as its Hugging Face config.json states it, so that a
 * synthetic checkpoint can copy (or shrink) the architecture without its trained weights.
 *
 * @param headDim                 per-head width; Mixtral and OLMoE tie it to hidden/heads, Qwen3 does not
 * @param hiddenTiedToHeads       hidden_size == heads x head_dim in this family (kept when scaling)
 * @param intermediateSize        Mixtral/OLMoE: the expert width; Qwen3: the dense MLP width (unused there
 *                                since every layer is sparse, but the config class requires it)
 * @param expertIntermediateSize  width of one routed expert's SwiGLU MLP
 */
public record ModelPreset(String name, Architecture architecture, String modelType, int hiddenSize, int numLayers,
                          int numHeads, int numKvHeads, int headDim, boolean hiddenTiedToHeads,
                          int intermediateSize, int expertIntermediateSize, int numExperts, int expertsPerToken,
                          boolean normTopKProb, int vocabSize, double ropeTheta, double rmsNormEps,
                          int maxPositionEmbeddings) {

    /** mistralai/Mixtral-8x7B-v0.1. */
    public static final ModelPreset MIXTRAL_8X7B = new ModelPreset("mixtral-8x7b", Architecture.MIXTRAL, "mixtral",
            4096, 32, 32, 8, 128, true, 14336, 14336, 8, 2, true, 32000, 1e6, 1e-5, 32768);

    /** allenai/OLMoE-1B-7B-0924. */
    public static final ModelPreset OLMOE_1B_7B = new ModelPreset("olmoe-1b-7b", Architecture.OLMOE, "olmoe",
            2048, 16, 16, 16, 128, true, 1024, 1024, 64, 8, false, 50304, 10000.0, 1e-5, 4096);

    /** Qwen/Qwen3-30B-A3B. */
    public static final ModelPreset QWEN3_30B_A3B = new ModelPreset("qwen3-30b-a3b", Architecture.QWEN3_MOE,
            "qwen3_moe", 2048, 48, 32, 4, 128, false, 6144, 768, 128, 8, true, 151936, 1e6, 1e-6, 40960);

    public static final List<ModelPreset> ALL = List.of(MIXTRAL_8X7B, OLMOE_1B_7B, QWEN3_30B_A3B);

    public static Optional<ModelPreset> byName(String name) {
        return ALL.stream().filter(p -> p.name.equalsIgnoreCase(name)).findFirst();
    }

    /** The preset called {@code name}, or an {@link IllegalArgumentException} listing the valid names. */
    public static ModelPreset require(String name) {
        return byName(name).orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                + "' for --like; valid: " + names()));
    }

    /** "mixtral-8x7b, olmoe-1b-7b, qwen3-30b-a3b". */
    public static String names() {
        return ALL.stream().map(ModelPreset::name).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name + " (" + architecture.className() + ")";
    }
}
