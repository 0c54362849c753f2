package org.specscope.engine.synth;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing subspace's layout and predicted norm scales, over every preset, scale and depth. */
class RouterSubspaceProperties {

    @Property(tries = 60)
    void theNormScaleShrinksLayerByLayerAndTheSubspaceStaysSmall(@ForAll("presets") ModelPreset preset,
                                                                  @ForAll @DoubleRange(min = 0.02, max = 1) double scale,
                                                                  @ForAll @IntRange(min = 1, max = 64) int layers) {
        SyntheticShape shape = SyntheticShape.of(preset, scale, layers, 4096);
        RouterSubspace subspace = RouterSubspace.of(shape, SyntheticCheckpoint.INIT_STD);
        double[] scales = subspace.normalisedScales();
        assertThat(scales).hasSize(layers);
        assertThat(scales[0]).isPositive().isFinite();
        for (int l = 1; l < layers; l++) {
            assertThat(scales[l]).as("layer %d", l).isPositive().isLessThan(scales[l - 1]);
        }
        assertThat(subspace.channels()).isBetween(2, Math.max(2, shape.hiddenSize() / 8 + 1));
        assertThat(subspace.codeWidth()).isLessThanOrEqualTo(shape.numExperts());
    }

    @Provide
    Arbitrary<ModelPreset> presets() {
        return Arbitraries.of(ModelPreset.ALL);
    }
}
