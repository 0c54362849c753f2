package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Repeated timings summarised: medians, best reads, and the bytes a repetition read. */
class MeasurementsTest {

    private static TimedPasses run(long nanos) {
        return new TimedPasses(nanos, 1000, 10, 2);
    }

    @Test
    void theMedianIsTheMiddleOrTheMeanOfTheMiddleTwo() {
        assertThat(Measurements.median(new double[]{1, 2, 9})).isEqualTo(2);
        assertThat(Measurements.median(new long[]{1, 2, 4, 9})).isEqualTo(3);
        assertThatThrownBy(() -> Measurements.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPassIsSummarisedByItsMedianAndBestRepetition() {
        PassMeasurement p = PassMeasurement.of(BatchRouting.NATURAL, 4, List.of(run(30), run(10), run(20)));
        assertThat(p.medianNanos()).isEqualTo(20);
        assertThat(p.bestNanos()).isEqualTo(10);
        assertThat(p.repeats()).isEqualTo(3);
        assertThat(p.weightBytes()).isEqualTo(1000);
        assertThat(p.gbPerSecond()).isEqualTo(50);
    }

    @Test
    void decodeIsSummarisedByItsMedianRound() {
        DecodeMeasurement d = DecodeMeasurement.of(8, List.of(run(4_000_000), run(2_000_000), run(1_000_000)));
        assertThat(d.rounds()).isEqualTo(3);
        assertThat(d.tokensPerSecond()).isEqualTo(4000);
        assertThat(d.weightBytesPerToken()).isEqualTo(125);
    }

    @Test
    void bandwidthIsSummarisedByItsBestAndMedianReads() {
        BandwidthMeasurement b = BandwidthMeasurement.of(1 << 20, 2, new double[]{12, 15, 11, 14}, 7);
        assertThat(b.bestGbPerSecond()).isEqualTo(15);
        assertThat(b.medianGbPerSecond()).isEqualTo(13);
        assertThat(b.repeats()).isEqualTo(4);
    }
}
