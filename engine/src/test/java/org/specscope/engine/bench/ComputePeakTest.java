package org.specscope.engine.bench;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compute peak runs every FMA it counts, whatever the thread count; speed is not checked. */
class ComputePeakTest {

    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void countingChainsEndAtTheirStartPlusTheirSteps() {
        // Chain k ends at k + steps in every lane: lanes * (12 * steps + 0 + 1 + ... + 11).
        for (int steps : new int[]{0, 1, 7, 4_099}) {
            assertThat(ComputePeak.fmaChains(1, 1, steps)).as("%d steps", steps)
                    .isEqualTo(LANES * (12.0 * steps + 66));
            assertThat(ComputePeak.countingSum(steps, LANES)).isEqualTo(LANES * (12.0 * steps + 66));
        }
        assertThat(ComputePeak.countingSum(ComputePeak.CHUNK_STEPS - 1 + ComputePeak.ACCUMULATORS, 1))
                .as("a chunk stays below 2^24, where floats still count exactly")
                .isLessThan(ComputePeak.ACCUMULATORS * (double) (1 << 24));
    }

    @Test
    void theChainsMultiplyAsWellAsAdd() {
        // x = 2x: chain k ends at k * 2^10, so the multiplier is applied at every step.
        assertThat(ComputePeak.fmaChains(2, 0, 10)).isEqualTo(LANES * 66.0 * 1024);
        // x = x / 2 + 1 settles on 2 from every start.
        assertThat(ComputePeak.fmaChains(0.5f, 1, 200)).isEqualTo(LANES * 12 * 2.0);
    }

    @Test
    void aMeasurementReportsAPositiveFinitePeakOnTheThreadsAskedFor() {
        for (int threads = 1; threads <= 2; threads++) {
            try (ComputePeak peak = new ComputePeak(threads, 5_000_000L)) {
                ComputeMeasurement m = peak.measure(3);
                assertThat(m.threads()).isEqualTo(threads);
                assertThat(m.vectorBits()).isEqualTo(FloatVector.SPECIES_PREFERRED.vectorBitSize());
                assertThat(m.repeats()).isEqualTo(3);
                assertThat(m.bestGflopsPerSecond()).isPositive().isFinite();
                assertThat(m.medianGflopsPerSecond()).isPositive().isLessThanOrEqualTo(m.bestGflopsPerSecond());
                long chunkOnEveryThread = 2L * threads * ComputePeak.CHUNK_STEPS * ComputePeak.ACCUMULATORS * LANES;
                assertThat(peak.flopsPerRead()).isPositive();
                assertThat(peak.flopsPerRead() % chunkOnEveryThread).as("2 flops per FMA lane, whole chunks on "
                        + "every thread").isZero();
            }
        }
    }

    @Test
    void readsAreSummarisedByTheBestAndTheMedian() {
        ComputeMeasurement m = ComputeMeasurement.of(2, 256, new double[]{150, 190, 120, 180});
        assertThat(m.bestGflopsPerSecond()).isEqualTo(190);
        assertThat(m.medianGflopsPerSecond()).isEqualTo(165);
        assertThat(m.repeats()).isEqualTo(4);
        assertThatThrownBy(() -> ComputeMeasurement.of(2, 256, new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNoThreadsNoTimeAndNoRepeats() {
        assertThatThrownBy(() -> new ComputePeak(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComputePeak(1, 0)).isInstanceOf(IllegalArgumentException.class);
        try (ComputePeak peak = new ComputePeak(1)) {
            assertThatThrownBy(() -> peak.measure(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
