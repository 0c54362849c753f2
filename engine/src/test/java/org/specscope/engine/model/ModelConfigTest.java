package org.specscope.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** config.json as each family writes it, with Hugging Face's defaults where fields are absent. */
class ModelConfigTest {

    @TempDir
    Path dir;

    private ModelConfig load(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return ModelConfig.load(f);
    }

    private static final String MIXTRAL = """
            {"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 4096,
             "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
             "num_key_value_heads": 8, "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000,
             "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "sliding_window": null, "torch_dtype": "bfloat16",
             "bos_token_id": 1, "eos_token_id": 2, "max_position_embeddings": 32768, "tie_word_embeddings": false}
            """;

    @Test
    void mixtralAlwaysRenormalisesItsTopTwoAndHasNoBias() throws IOException {
        ModelConfig c = load(MIXTRAL);
        assertThat(c.architecture()).isEqualTo(Architecture.MIXTRAL);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.kvDim()).isEqualTo(1024);
        MoeConfig m = c.moe().orElseThrow();
        assertThat(m.numExperts()).isEqualTo(8);
        assertThat(m.expertsPerToken()).isEqualTo(2);
        assertThat(m.expertIntermediateSize()).isEqualTo(14336);
        assertThat(m.normalizeTopK()).isTrue();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.slidingWindow()).isZero();
        assertThat(c.bosTokenId()).hasValue(1);
        assertThat(c.eosTokenIds()).containsExactly(2);
        assertThat(c.isSparseLayer(0)).isTrue();
    }

    @Test
    void olmoeKeepsRawTopKProbabilitiesAndNormalisesTheWholeQProjection() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["OlmoeForCausalLM"], "hidden_size": 2048, "intermediate_size": 1024,
                 "num_hidden_layers": 16, "num_attention_heads": 16, "num_experts": 64, "num_experts_per_tok": 8,
                 "norm_topk_prob": false, "vocab_size": 50304, "clip_qkv": null, "rope_theta": 10000.0,
                 "eos_token_id": 50279}
                """);
        assertThat(c.qkNorm()).isEqualTo(Architecture.QkNorm.WHOLE_PROJECTION);
        assertThat(c.moe().orElseThrow().normalizeTopK()).isFalse();
        assertThat(c.moe().orElseThrow().expertIntermediateSize()).isEqualTo(1024);
        assertThat(c.clipQkv()).isEmpty();
        assertThat(c.numKvHeads()).as("defaults to the query heads").isEqualTo(16);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    }

    @Test
    void qwen3MoeHonoursHeadDimSparseStepAndDenseLayers() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["Qwen3MoeForCausalLM"], "hidden_size": 2048, "intermediate_size": 6144,
                 "moe_intermediate_size": 768, "num_hidden_layers": 6, "num_attention_heads": 32,
                 "num_key_value_heads": 4, "head_dim": 128, "num_experts": 128, "num_experts_per_tok": 8,
                 "norm_topk_prob": true, "decoder_sparse_step": 2, "mlp_only_layers": [5], "vocab_size": 151936,
                 "rope_theta": 1000000.0, "tie_word_embeddings": false, "use_sliding_window": false}
                """);
        assertThat(c.queryDim()).as("head_dim is not hidden/heads").isEqualTo(4096);
        assertThat(c.qkNorm()).isEqualTo(Architecture.QkNorm.PER_HEAD);
        assertThat(c.moe().orElseThrow().expertIntermediateSize()).isEqualTo(768);
        assertThat(c.isSparseLayer(0)).isFalse();
        assertThat(c.isSparseLayer(1)).isTrue();
        assertThat(c.isSparseLayer(3)).isTrue();
        assertThat(c.isSparseLayer(5)).as("listed in mlp_only_layers").isFalse();
    }

    @Test
    void qwen3WithoutHeadDimFollowsTheConfigClassDefaultOf128() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["Qwen3ForCausalLM"], "hidden_size": 1024, "intermediate_size": 3072,
                 "num_hidden_layers": 2, "num_attention_heads": 16, "num_key_value_heads": 8, "vocab_size": 1000}
                """);
        assertThat(c.headDim()).isEqualTo(128);
    }

    @Test
    void qwen2MoeBiasesQkvButNotTheOutputAndHasASharedExpert() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["Qwen2MoeForCausalLM"], "hidden_size": 2048, "intermediate_size": 5632,
                 "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "num_hidden_layers": 24,
                 "num_attention_heads": 16, "num_key_value_heads": 16, "num_experts": 60, "num_experts_per_tok": 4,
                 "vocab_size": 151936}
                """);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputBias()).isFalse();
        assertThat(c.moe().orElseThrow().sharedExpertIntermediateSize()).isEqualTo(5632);
        assertThat(c.moe().orElseThrow().normalizeTopK()).as("norm_topk_prob defaults to false").isFalse();
    }

    @Test
    void llama3RopeScalingSlowsOnlyTheLongWavelengths() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 2048, "intermediate_size": 8192,
                 "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
                 "rope_theta": 500000.0, "tie_word_embeddings": true,
                 "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
                """);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.ropeScaling()).isInstanceOf(RopeScaling.Llama3.class);
        assertThat(c.ropeScaling().scale(1.0)).as("short wavelength kept").isEqualTo(1.0);
        assertThat(c.ropeScaling().scale(1e-5)).as("long wavelength divided by the factor")
                .isCloseTo(1e-5 / 32, within(1e-12));
        assertThat(c.moe()).isEmpty();
    }

    @Test
    void transformersV5RopeParametersAreRead() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100,
                 "rope_parameters": {"rope_theta": 250000.0, "rope_type": "default"}}
                """);
        assertThat(c.ropeTheta()).isEqualTo(250000.0);
        assertThat(c.ropeScaling()).isInstanceOf(RopeScaling.None.class);
    }

    @Test
    void anUnknownArchitectureNamesTheFileTheFieldAndWhatIsSupported() {
        assertThatThrownBy(() -> load("""
                {"architectures": ["DeepseekV3ForCausalLM"], "hidden_size": 64}
                """))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("architectures")
                .hasMessageContaining("DeepseekV3ForCausalLM")
                .hasMessageContaining("MixtralForCausalLM");
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> load("""
                {"architectures": ["MixtralForCausalLM"], "hidden_size": 64, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "vocab_size": 100, "intermediate_size": 128, "num_experts_per_tok": 2}
                """))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("num_local_experts")
                .hasMessageContaining("missing");
    }

    @Test
    void wrongTypesAndImpossibleValuesAreNamed() {
        assertThatThrownBy(() -> load(MIXTRAL.replace("\"hidden_size\": 4096", "\"hidden_size\": \"big\"")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("hidden_size");
        assertThatThrownBy(() -> load(MIXTRAL.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("num_key_value_heads");
        assertThatThrownBy(() -> load(MIXTRAL.replace("\"num_experts_per_tok\": 2", "\"num_experts_per_tok\": 9")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("num_experts_per_tok");
    }

    @Test
    void unsupportedMathIsRefusedRatherThanComputedWrongly() {
        assertThatThrownBy(() -> load(MIXTRAL.replace("\"rope_theta\": 1000000.0,",
                "\"rope_theta\": 1000000.0, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4},")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("rope_scaling.rope_type")
                .hasMessageContaining("yarn");
        assertThatThrownBy(() -> load(MIXTRAL.replace("\"rope_theta\": 1000000.0,",
                "\"rope_theta\": 1000000.0, \"hidden_act\": \"gelu\",")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("hidden_act");
    }

    @Test
    void notJsonAndMissingFilesAreReportedWithThePath() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{ not json");
        assertThatThrownBy(() -> ModelConfig.load(f)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ModelConfig.load(dir.resolve("absent.json"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("absent.json").hasMessageContaining("not found");
    }
}
