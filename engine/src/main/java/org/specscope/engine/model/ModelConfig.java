package org.specscope.engine.model;

import org.specscope.engine.model.Architecture.QkNorm;
import org.specscope.engine.tensor.DType;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Everything in config.json that changes the math of the forward pass, with each family's
 * Hugging Face defaults applied where the file leaves a field out.
 *
 * @param qkvBias        q, k and v projections carry a bias
 * @param outputBias     the attention output projection carries a bias
 * @param clipQkv        OLMoE: q, k, v clamped to +-this after projection
 * @param slidingWindow  a query sees only keys fewer than this many positions back; 0 = unlimited
 * @param moe            the mixture-of-experts part; empty for dense models
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean outputBias,
        OptionalDouble clipQkv,
        int slidingWindow,
        Optional<MoeConfig> moe,
        Optional<DType> torchDtype,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public QkNorm qkNorm() {
        return architecture.qkNorm();
    }

    public boolean isMoe() {
        return moe.isPresent();
    }

    /** Whether layer {@code layer} routes through experts (false for every layer of a dense model). */
    public boolean isSparseLayer(int layer) {
        return moe.map(m -> m.isSparseLayer(layer)).orElse(false);
    }

    public int queryDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Reads and validates a config.json. */
    public static ModelConfig load(Path configJson) {
        ConfigReader r = ConfigReader.open(configJson);
        Architecture arch = architectureOf(r);

        int hidden = positive(r, "hidden_size", r.requireInt("hidden_size"));
        int layers = positive(r, "num_hidden_layers", r.requireInt("num_hidden_layers"));
        int heads = positive(r, "num_attention_heads", r.requireInt("num_attention_heads"));
        int kvHeads = positive(r, "num_key_value_heads", r.intOr("num_key_value_heads", heads));
        if (heads % kvHeads != 0) {
            throw r.error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
        }
        // Qwen3's config class defaults head_dim to 128, not hidden/heads: follow the class.
        int defaultHeadDim = (arch == Architecture.QWEN3 || arch == Architecture.QWEN3_MOE) ? 128 : hidden / heads;
        int headDim = positive(r, "head_dim", r.intOr("head_dim", defaultHeadDim));
        if (headDim % 2 != 0) {
            throw r.error("head_dim", headDim + " is odd; rotary embeddings rotate pairs");
        }
        int vocab = positive(r, "vocab_size", r.requireInt("vocab_size"));
        int intermediate = positive(r, "intermediate_size", r.requireInt("intermediate_size"));

        String act = r.optionalString("hidden_act").orElse("silu");
        if (!act.equals("silu")) {
            throw r.error("hidden_act", "'" + act + "' is not supported (SwiGLU experts need silu)");
        }
        if (r.boolOr("mlp_bias", false)) {
            throw r.error("mlp_bias", "MLP biases are not supported");
        }

        double eps = r.doubleOr("rms_norm_eps", defaultRmsNormEps(arch));
        JsonNode ropeParameters = r.node("rope_parameters");
        double theta = r.optionalDouble("rope_theta")
                .orElse(ropeParameters != null && ropeParameters.has("rope_theta")
                        ? ropeParameters.get("rope_theta").asDouble()
                        : defaultRopeTheta(arch));
        RopeScaling scaling = ropeScaling(r, ropeParameters);

        boolean attentionBias = r.boolOr("attention_bias", false);
        boolean qkvBias = switch (arch) {
            case QWEN2_MOE -> true;            // Qwen2 always biases q, k, v and never o
            case MIXTRAL -> false;
            default -> attentionBias;
        };
        boolean outputBias = switch (arch) {
            case QWEN2_MOE, MIXTRAL -> false;
            default -> attentionBias;
        };

        OptionalDouble clip = arch == Architecture.OLMOE ? r.optionalDouble("clip_qkv") : OptionalDouble.empty();
        int window = slidingWindow(r, arch);

        Optional<MoeConfig> moe = arch.isMixtureOfExperts() ? Optional.of(moeConfig(r, arch, intermediate, layers))
                : Optional.empty();

        Optional<DType> dtype = r.optionalString("torch_dtype").or(() -> r.optionalString("dtype"))
                .flatMap(DType::fromTorchName);

        return new ModelConfig(arch, vocab, hidden, layers, heads, kvHeads, headDim, intermediate, eps, theta,
                scaling, r.intOr("max_position_embeddings", 4096), r.boolOr("tie_word_embeddings", false),
                qkvBias, outputBias, clip, window, moe, dtype, r.optionalInt("bos_token_id"),
                r.intOrIntList("eos_token_id"));
    }

    private static Architecture architectureOf(ConfigReader r) {
        JsonNode archs = r.node("architectures");
        if (archs == null || !archs.isArray() || archs.isEmpty() || !archs.get(0).isString()) {
            throw r.error("architectures", "missing; expected a list naming one of " + Architecture.supportedClassNames());
        }
        String name = archs.get(0).stringValue();
        return Architecture.fromClassName(name).orElseThrow(() -> r.error("architectures",
                "unsupported architecture '" + name + "'; supported: " + Architecture.supportedClassNames()));
    }

    private static MoeConfig moeConfig(ConfigReader r, Architecture arch, int intermediate, int layers) {
        String expertsField = arch == Architecture.MIXTRAL ? "num_local_experts" : "num_experts";
        int experts = positive(r, expertsField, r.requireInt(expertsField));
        int topK = positive(r, "num_experts_per_tok", r.requireInt("num_experts_per_tok"));
        if (topK > experts) {
            throw r.error("num_experts_per_tok", topK + " exceeds the " + experts + " experts");
        }
        int expertWidth = switch (arch) {
            case QWEN3_MOE, QWEN2_MOE -> positive(r, "moe_intermediate_size", r.requireInt("moe_intermediate_size"));
            default -> intermediate;
        };
        boolean normalize = switch (arch.topKWeights()) {
            case ALWAYS_RENORMALISE -> true;
            case PER_NORM_TOPK_PROB -> r.boolOr("norm_topk_prob", false);
        };
        int shared = arch == Architecture.QWEN2_MOE
                ? positive(r, "shared_expert_intermediate_size", r.requireInt("shared_expert_intermediate_size"))
                : 0;
        boolean qwen = arch == Architecture.QWEN3_MOE || arch == Architecture.QWEN2_MOE;
        int step = qwen ? positive(r, "decoder_sparse_step", r.intOr("decoder_sparse_step", 1)) : 1;
        List<Integer> mlpOnly = qwen ? r.intList("mlp_only_layers") : List.of();
        for (int l : mlpOnly) {
            if (l < 0 || l >= layers) {
                throw r.error("mlp_only_layers", "layer " + l + " is outside 0.." + (layers - 1));
            }
        }
        return new MoeConfig(experts, topK, expertWidth, normalize, shared, step, new HashSet<>(mlpOnly));
    }

    private static int slidingWindow(ConfigReader r, Architecture arch) {
        return switch (arch) {
            case MIXTRAL -> r.optionalInt("sliding_window").orElse(0);
            case QWEN3_MOE, QWEN2_MOE, QWEN3 -> {
                if (r.boolOr("use_sliding_window", false)) {
                    throw r.error("use_sliding_window", "Qwen's layer-dependent sliding window is not supported");
                }
                yield 0;
            }
            default -> 0;
        };
    }

    private static RopeScaling ropeScaling(ConfigReader r, JsonNode ropeParameters) {
        String field = r.has("rope_scaling") ? "rope_scaling" : "rope_parameters";
        JsonNode s = r.has("rope_scaling") ? r.node("rope_scaling") : ropeParameters;
        if (s == null || s.isNull()) {
            return new RopeScaling.None();
        }
        if (!s.isObject()) {
            throw r.error(field, "expected an object, found " + s);
        }
        String type = s.has("rope_type") ? s.get("rope_type").asString() : s.path("type").asString("default");
        return switch (type) {
            case "default" -> new RopeScaling.None();
            case "linear" -> new RopeScaling.Linear(number(r, s, field, "factor"));
            case "llama3" -> new RopeScaling.Llama3(number(r, s, field, "factor"), number(r, s, field, "low_freq_factor"),
                    number(r, s, field, "high_freq_factor"), (int) number(r, s, field, "original_max_position_embeddings"));
            default -> throw r.error(field + ".rope_type", "'" + type
                    + "' is not supported (supported: default, linear, llama3)");
        };
    }

    private static double number(ConfigReader r, JsonNode obj, String parent, String name) {
        JsonNode n = obj.get(name);
        if (n == null || !n.isNumber()) {
            throw r.error(parent + "." + name, "required number is missing");
        }
        return n.doubleValue();
    }

    private static int positive(ConfigReader r, String field, int value) {
        if (value <= 0) {
            throw r.error(field, "must be positive, found " + value);
        }
        return value;
    }

    private static double defaultRmsNormEps(Architecture arch) {
        return switch (arch) {
            case MIXTRAL, OLMOE -> 1e-5;
            default -> 1e-6;
        };
    }

    private static double defaultRopeTheta(Architecture arch) {
        return arch == Architecture.MIXTRAL ? 1e6 : 10000.0;
    }
}
