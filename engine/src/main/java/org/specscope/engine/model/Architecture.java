package org.specscope.engine.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The model families SpecScope runs, keyed by the class name in config.json "architectures".
 * Each knows the facts of its family that config.json does not spell out: where its MoE
 * tensors live, which q/k normalisation it applies, and how it weights the chosen experts.
 */
public enum Architecture {
    MIXTRAL("MixtralForCausalLM", true, QkNorm.NONE, TopKWeights.ALWAYS_RENORMALISE),
    OLMOE("OlmoeForCausalLM", true, QkNorm.WHOLE_PROJECTION, TopKWeights.PER_NORM_TOPK_PROB),
    QWEN3_MOE("Qwen3MoeForCausalLM", true, QkNorm.PER_HEAD, TopKWeights.PER_NORM_TOPK_PROB),
    QWEN2_MOE("Qwen2MoeForCausalLM", true, QkNorm.NONE, TopKWeights.PER_NORM_TOPK_PROB),
    LLAMA("LlamaForCausalLM", false, QkNorm.NONE, TopKWeights.PER_NORM_TOPK_PROB),
    QWEN3("Qwen3ForCausalLM", false, QkNorm.PER_HEAD, TopKWeights.PER_NORM_TOPK_PROB);

    /** Where a family normalises queries and keys before RoPE. */
    public enum QkNorm {
        NONE,
        /** RMSNorm over each head's head_dim values (Qwen3, Qwen3-MoE). */
        PER_HEAD,
        /** RMSNorm over the whole q (or k) projection before it is split into heads (OLMoE). */
        WHOLE_PROJECTION
    }

    /** How the routing probabilities of the chosen top-k experts become their weights. */
    public enum TopKWeights {
        /** Mixtral: the top-k probabilities always renormalised to sum to 1. */
        ALWAYS_RENORMALISE,
        /** OLMoE, Qwen: renormalised only when config.json "norm_topk_prob" is true. */
        PER_NORM_TOPK_PROB
    }

    private final String className;
    private final boolean mixtureOfExperts;
    private final QkNorm qkNorm;
    private final TopKWeights topKWeights;

    Architecture(String className, boolean mixtureOfExperts, QkNorm qkNorm, TopKWeights topKWeights) {
        this.className = className;
        this.mixtureOfExperts = mixtureOfExperts;
        this.qkNorm = qkNorm;
        this.topKWeights = topKWeights;
    }

    /** The Hugging Face class name, as config.json "architectures" names it. */
    public String className() {
        return className;
    }

    public boolean isMixtureOfExperts() {
        return mixtureOfExperts;
    }

    public QkNorm qkNorm() {
        return qkNorm;
    }

    public TopKWeights topKWeights() {
        return topKWeights;
    }

    public static Optional<Architecture> fromClassName(String name) {
        return Arrays.stream(values()).filter(a -> a.className.equals(name)).findFirst();
    }

    /** "MixtralForCausalLM, OlmoeForCausalLM, ..." for error messages. */
    public static String supportedClassNames() {
        return Arrays.stream(values()).map(Architecture::className).collect(Collectors.joining(", "));
    }
}
