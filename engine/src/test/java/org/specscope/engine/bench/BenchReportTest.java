package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The ratios the roofline targets are stated in, from given measurements. */
class BenchReportTest {

    private static final BandwidthMeasurement TEN_GB_PER_S = new BandwidthMeasurement(1 << 30, 2, 5, 10, 9, 0);

    /** Rounds of 100 tokens in 10 s (the median) reading 500 MB each: 5 GB/s. */
    private static final DecodeMeasurement DECODE = new DecodeMeasurement(100, 3, 10e9, 50_000_000_000L, 0, 2);

    private static PassMeasurement pass(BatchRouting routing, int tokens, double millis) {
        return new PassMeasurement(routing, tokens, 3, millis * 1e6, (long) (millis * 1e6), 400_000_000L, 0, 2);
    }

    private static BenchReport report(List<PassMeasurement> passes, Optional<ResidentMemory> memory) {
        return new BenchReport(TEN_GB_PER_S, DECODE, passes, memory, 0, 1_000_000_000L);
    }

    @Test
    void decodeIsHeldToTheBestMeasuredBandwidth() {
        BenchReport r = report(List.of(), Optional.empty());
        assertThat(DECODE.gbPerSecond()).isEqualTo(5.0);
        assertThat(DECODE.tokensPerSecond()).isEqualTo(10.0);
        assertThat(DECODE.weightBytesPerToken()).isEqualTo(500e6);
        assertThat(r.decodeBandwidthRatio()).isEqualTo(0.5);
    }

    @Test
    void aPassIsComparedWithTheOneTokenPassOfTheSameRouting() {
        PassMeasurement oneNatural = pass(BatchRouting.NATURAL, 1, 40);
        PassMeasurement oneSame = pass(BatchRouting.SAME_EXPERTS, 1, 50);
        PassMeasurement sixteenSame = pass(BatchRouting.SAME_EXPERTS, 16, 100);
        PassMeasurement sixteenNatural = pass(BatchRouting.NATURAL, 16, 200);
        BenchReport r = report(List.of(oneNatural, oneSame, sixteenNatural, sixteenSame), Optional.empty());
        assertThat(r.ratioToOneToken(sixteenNatural)).hasValue(5.0);
        assertThat(r.ratioToOneToken(sixteenSame)).hasValue(2.0);
        assertThat(r.verificationTargetRatio()).hasValue(2.0);
        assertThat(r.bandwidthRatio(sixteenSame)).isCloseTo(0.4, within(1e-12));   // 400 MB in 100 ms = 4 GB/s
    }

    @Test
    void withoutTheSixteenTokenPassTheVerificationTargetIsNotMeasured() {
        BenchReport r = report(List.of(pass(BatchRouting.SAME_EXPERTS, 1, 50), pass(BatchRouting.SAME_EXPERTS, 4, 60)),
                Optional.empty());
        assertThat(r.verificationTargetRatio()).isEmpty();
        assertThat(r.ratioToOneToken(pass(BatchRouting.NATURAL, 4, 60))).as("no natural baseline").isEmpty();
    }

    @Test
    void peakResidentMemoryIsComparedWithTheMappedWeights() {
        ResidentMemory memory = new ResidentMemory(1_100_000_000L, 1_000_000_000L, 900_000_000L, 100_000_000L);
        assertThat(report(List.of(), Optional.of(memory)).peakResidentRatio()).hasValue(1.1);
        assertThat(report(List.of(), Optional.empty()).peakResidentRatio()).isEmpty();
    }
}
