package org.specscope.engine.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.specscope.engine.tensor.DType;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The scaling rule and the presets' published sizes. */
class SyntheticShapeTest {

    static final List<ModelPreset> PRESETS = ModelPreset.ALL;

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void scaleOneIsTheRealModel(ModelPreset p) {
        SyntheticShape s = SyntheticShape.of(p, 1.0, null, null);
        assertThat(s.hiddenSize()).isEqualTo(p.hiddenSize());
        assertThat(s.numLayers()).isEqualTo(p.numLayers());
        assertThat(s.numHeads()).isEqualTo(p.numHeads());
        assertThat(s.numKvHeads()).isEqualTo(p.numKvHeads());
        assertThat(s.intermediateSize()).isEqualTo(p.intermediateSize());
        assertThat(s.expertIntermediateSize()).isEqualTo(p.expertIntermediateSize());
        assertThat(s.numExperts()).isEqualTo(p.numExperts());
        assertThat(s.vocabSize()).isEqualTo(p.vocabSize());
    }

    /** Published totals: Mixtral 46.7B (12.9B active), OLMoE 6.9B (1.3B), Qwen3-30B-A3B 30.5B (3.3B). */
    @Test
    void fullSizePresetsHaveTheirPublishedParameterCounts() {
        assertCounts(ModelPreset.MIXTRAL_8X7B, 46.7e9, 12.9e9);
        assertCounts(ModelPreset.OLMOE_1B_7B, 6.92e9, 1.28e9);
        assertCounts(ModelPreset.QWEN3_30B_A3B, 30.5e9, 3.3e9);
    }

    private static void assertCounts(ModelPreset p, double total, double active) {
        var c = new SyntheticCheckpoint(SyntheticShape.of(p, 1.0, null, null), DType.BF16, new RouterSkew(1), 0,
                SyntheticCheckpoint.DEFAULT_SHARD_BYTES);
        assertThat((double) c.parameterCount()).as(p.name() + " total").isCloseTo(total, within(0.02 * total));
        assertThat((double) c.activeParameterCount()).as(p.name() + " active").isCloseTo(active, within(0.03 * active));
        assertThat(c.totalBytes()).isEqualTo(2 * c.parameterCount());
    }

    @Test
    void mixtralAtAQuarterKeepsItsGqaRatioAndTiesHiddenToHeads() {
        SyntheticShape s = SyntheticShape.of(ModelPreset.MIXTRAL_8X7B, 0.25, null, null);
        assertThat(s.numHeads()).isEqualTo(8);
        assertThat(s.numKvHeads()).isEqualTo(2);
        assertThat(s.hiddenSize()).isEqualTo(8 * 128);
        assertThat(s.expertIntermediateSize()).isEqualTo(3584);
        assertThat(s.numExperts()).as("floor 2 x top-k").isEqualTo(4);
        assertThat(s.numLayers()).isEqualTo(32);
    }

    @Test
    void anExpertCountOverridesTheScaledOneAndKeepsTopK() {
        SyntheticShape s = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.25, 4, 4096, 64);
        assertThat(s.numExperts()).isEqualTo(64);
        assertThat(s.expertsPerToken()).isEqualTo(8);
        assertThat(s.hiddenSize()).isEqualTo(SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.25, 4, 4096).hiddenSize());
        assertThatThrownBy(() -> SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.25, 4, 4096, 7))
                .hasMessageContaining("--experts must be at least the top-k of 8");
    }

    @Test
    void qwenAtAHalfScalesHiddenApartFromHeads() {
        SyntheticShape s = SyntheticShape.of(ModelPreset.QWEN3_30B_A3B, 0.5, 4, 8192);
        assertThat(s.numHeads()).isEqualTo(16);
        assertThat(s.numKvHeads()).isEqualTo(2);
        assertThat(s.headDim()).isEqualTo(128);
        assertThat(s.hiddenSize()).isEqualTo(1024);
        assertThat(s.expertIntermediateSize()).isEqualTo(384);
        assertThat(s.intermediateSize()).isEqualTo(3072);
        assertThat(s.numExperts()).isEqualTo(64);
        assertThat(s.expertsPerToken()).isEqualTo(8);
        assertThat(s.numLayers()).isEqualTo(4);
        assertThat(s.vocabSize()).isEqualTo(8192);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.003, 0.01, 0.07, 0.1, 0.33, 0.5, 0.77, 1.0})
    void everyScaleGivesAValidShape(double scale) {
        for (ModelPreset p : ModelPreset.ALL) {
            SyntheticShape s = SyntheticShape.of(p, scale, null, null);
            assertThat(s.numHeads() % s.numKvHeads()).isZero();
            assertThat(s.numHeads()).isBetween(1, p.numHeads());
            assertThat(s.numExperts()).isBetween(s.expertsPerToken() + 1, p.numExperts());
            assertThat(s.hiddenSize() % 64).isZero();
            assertThat(s.expertIntermediateSize() % 64).isZero();
            if (p.hiddenTiedToHeads()) {
                assertThat(s.hiddenSize()).isEqualTo(s.numHeads() * s.headDim());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.5, 1.01, 2, Double.NaN})
    void refusesAScaleOutsideZeroToOne(double scale) {
        assertThatThrownBy(() -> SyntheticShape.of(ModelPreset.OLMOE_1B_7B, scale, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--scale").hasMessageContaining("(0, 1]");
    }

    @Test
    void refusesFewerThanOneLayer() {
        assertThatThrownBy(() -> SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.5, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--layers");
    }

    @Test
    void refusesAnUnknownModelListingTheValidNames() {
        assertThatThrownBy(() -> ModelPreset.require("llama-70b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("llama-70b")
                .hasMessageContaining("mixtral-8x7b, olmoe-1b-7b, qwen3-30b-a3b");
        assertThat(ModelPreset.require("Qwen3-30B-A3B")).isEqualTo(ModelPreset.QWEN3_30B_A3B);
    }

    @Test
    void routerSpecsParseOrSayWhatIsExpected() {
        assertThat(RouterSkew.parse("uniform").isUniform()).isTrue();
        assertThat(RouterSkew.parse("zipf:1.5").exponent()).isEqualTo(1.5);
        for (String bad : new String[]{"zipf", "zipf:", "zipf:x", "zipf:-1", "gauss:1", "zipf:Infinity"}) {
            assertThatThrownBy(() -> RouterSkew.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--router");
        }
    }

    @Test
    void theGaussianStreamHasTheInitialiserStdAndDoesNotDependOnChunking() {
        float[] whole = new float[100_001];
        new GaussianStream(5, 0.02).fill(whole, whole.length);
        GaussianStream chunked = new GaussianStream(5, 0.02);
        float[] buffer = new float[13];
        for (int start = 0; start < whole.length; start += 13) {
            int n = Math.min(13, whole.length - start);
            chunked.fill(buffer, n);
            for (int i = 0; i < n; i++) {
                assertThat(buffer[i]).isEqualTo(whole[start + i]);
            }
        }
        double sum = 0;
        double squares = 0;
        for (float v : whole) {
            sum += v;
            squares += (double) v * v;
        }
        assertThat(sum / whole.length).isCloseTo(0, within(3e-4));
        assertThat(Math.sqrt(squares / whole.length)).isCloseTo(0.02, within(3e-4));
    }

    @Test
    void seedsDependOnTheNameAndTheSeed() {
        assertThat(SeededTensors.mix(1, "a")).isEqualTo(SeededTensors.mix(1, "a"))
                .isNotEqualTo(SeededTensors.mix(2, "a")).isNotEqualTo(SeededTensors.mix(1, "b"));
    }
}
