package org.specscope.engine.synth;

import org.specscope.engine.tensor.DType;

import java.util.ArrayList;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The config.json of a synthetic checkpoint: the fields the family's Hugging Face config class
 * writes, with the (scaled) shape's sizes, the bundled tokenizer's special-token ids, and a
 * {@code "specscope_synthetic"} note of how it was made (transformers ignores unknown keys).
 */
final class SyntheticConfig {

    private SyntheticConfig() {
    }

    static Map<String, Object> of(SyntheticShape s, DType dtype, OptionalInt bos, OptionalInt eos,
                                  Map<String, Object> provenance) {
        ModelPreset p = s.preset();
        Map<String, Object> c = new TreeMap<>();   // sorted keys, as transformers writes them
        c.put("architectures", new String[]{p.architecture().className()});
        c.put("model_type", p.modelType());
        c.put("vocab_size", s.vocabSize());
        c.put("hidden_size", s.hiddenSize());
        c.put("num_hidden_layers", s.numLayers());
        c.put("num_attention_heads", s.numHeads());
        c.put("num_key_value_heads", s.numKvHeads());
        c.put("num_experts_per_tok", s.expertsPerToken());
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", p.rmsNormEps());
        c.put("rope_theta", p.ropeTheta());
        c.put("max_position_embeddings", p.maxPositionEmbeddings());
        c.put("tie_word_embeddings", false);
        c.put("initializer_range", 0.02);
        c.put("attention_dropout", 0.0);
        c.put("use_cache", true);
        c.put("output_router_logits", false);
        c.put("torch_dtype", torchName(dtype));
        c.put("transformers_version", "4.51.3");
        bos.ifPresent(id -> c.put("bos_token_id", id));
        eos.ifPresent(id -> c.put("eos_token_id", id));
        switch (p.architecture()) {
            case MIXTRAL -> {
                c.put("intermediate_size", s.expertIntermediateSize());
                c.put("num_local_experts", s.numExperts());
                c.put("sliding_window", null);
                c.put("router_aux_loss_coef", 0.02);
                c.put("router_jitter_noise", 0.0);
            }
            case OLMOE -> {
                c.put("intermediate_size", s.expertIntermediateSize());
                c.put("num_experts", s.numExperts());
                c.put("norm_topk_prob", p.normTopKProb());
                c.put("attention_bias", false);
                c.put("clip_qkv", null);
                c.put("rope_scaling", null);
                c.put("router_aux_loss_coef", 0.01);
            }
            case QWEN3_MOE -> {
                c.put("head_dim", s.headDim());
                c.put("intermediate_size", s.intermediateSize());
                c.put("moe_intermediate_size", s.expertIntermediateSize());
                c.put("num_experts", s.numExperts());
                c.put("norm_topk_prob", p.normTopKProb());
                c.put("decoder_sparse_step", 1);
                c.put("mlp_only_layers", new ArrayList<Integer>());
                c.put("attention_bias", false);
                c.put("rope_scaling", null);
                c.put("use_sliding_window", false);
                c.put("sliding_window", null);
                c.put("max_window_layers", s.numLayers());
                c.put("router_aux_loss_coef", 0.001);
            }
            default -> throw new IllegalArgumentException("no synthetic config for " + p.architecture());
        }
        c.put("specscope_synthetic", provenance);
        return c;
    }

    private static String torchName(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
        };
    }
}
