package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The ratios the roofline targets are stated in, and the rooflines themselves, from given measurements. */
class BenchReportTest {

    private static final BandwidthMeasurement TEN_GB_PER_S = new BandwidthMeasurement(1 << 30, 2, 5, 10, 9, 0);

    /** 10 GB/s and 100 GFLOP/s: work above 10 flops per byte is compute-bound. */
    private static final ComputeMeasurement HUNDRED_GFLOP_PER_S = new ComputeMeasurement(2, 256, 5, 100, 90);

    /** Rounds of 100 tokens in 10 s (the median) reading 500 MB each: 5 GB/s. */
    private static final DecodeMeasurement DECODE = new DecodeMeasurement(100, 3, 10e9, 50_000_000_000L, 0, 2);

    private static PassMeasurement pass(BatchRouting routing, int tokens, double millis) {
        return pass(routing, tokens, millis, 0);
    }

    /** A pass reading 400 MB: 40 ms at 10 GB/s. */
    private static PassMeasurement pass(BatchRouting routing, int tokens, double millis, long flops) {
        return new PassMeasurement(routing, tokens, 3, millis * 1e6, (long) (millis * 1e6), 400_000_000L, flops, 2);
    }

    private static BenchReport report(List<PassMeasurement> passes, Optional<ResidentMemory> memory) {
        return new BenchReport(TEN_GB_PER_S, HUNDRED_GFLOP_PER_S, DECODE, passes, memory, 0, 1_000_000_000L);
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
    void aPassWithFewFlopsPerByteIsHeldToReadingItsWeights() {
        PassMeasurement p = pass(BatchRouting.SAME_EXPERTS, 1, 50, 2_000_000_000L);   // 5 flops per byte
        BenchReport r = report(List.of(p), Optional.empty());
        Roofline roof = r.roofline(p);
        assertThat(roof.memoryNanos()).isCloseTo(40e6, within(1e-3));
        assertThat(roof.computeNanos()).isCloseTo(20e6, within(1e-3));
        assertThat(roof.bound()).isEqualTo(Roofline.Bound.MEMORY);
        assertThat(roof.millis()).isCloseTo(40, within(1e-9));
        assertThat(r.rooflineFraction(p)).as("40 ms allowed, 50 ms taken").isCloseTo(0.8, within(1e-12));
        assertThat(r.machineBalance()).isEqualTo(10);
    }

    @Test
    void aPassWithManyFlopsPerByteIsHeldToItsArithmetic() {
        PassMeasurement p = pass(BatchRouting.SAME_EXPERTS, 16, 100, 8_000_000_000L);   // 20 flops per byte
        BenchReport r = report(List.of(p), Optional.empty());
        Roofline roof = r.roofline(p);
        assertThat(roof.bound()).isEqualTo(Roofline.Bound.COMPUTE);
        assertThat(roof.millis()).as("8 GFLOP at 100 GFLOP/s, not 400 MB at 10 GB/s").isCloseTo(80, within(1e-9));
        assertThat(r.rooflineFraction(p)).isCloseTo(0.8, within(1e-12)).isLessThanOrEqualTo(1);
        assertThat(roof.fractionOf(roof.nanos())).as("at the roofline").isEqualTo(1);
    }

    @Test
    void decodeIsHeldToItsRooflineToo() {
        BenchReport r = report(List.of(), Optional.empty());
        // 50 GB at 10 GB/s: 5 s of the 10 s measured; no flops counted.
        assertThat(r.decodeRoofline().bound()).isEqualTo(Roofline.Bound.MEMORY);
        assertThat(r.decodeRoofline().nanos()).isCloseTo(5e9, within(1e-3));
        assertThat(r.decodeRooflineFraction()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void theVerificationTargetsFloorIsTheRatioOfTheTwoPassesRooflines() {
        PassMeasurement one = pass(BatchRouting.SAME_EXPERTS, 1, 50, 400_000_000L);   // 40 ms of reading
        PassMeasurement sixteenMemoryBound = pass(BatchRouting.SAME_EXPERTS, 16, 120, 3_200_000_000L);
        assertThat(report(List.of(one, sixteenMemoryBound), Optional.empty()).verificationRooflineFloor())
                .as("the same experts read once either way: no slower at the roofline").hasValue(1.0);

        PassMeasurement sixteenComputeBound = pass(BatchRouting.SAME_EXPERTS, 16, 250, 16_000_000_000L);
        BenchReport r = report(List.of(one, sixteenComputeBound), Optional.empty());
        assertThat(r.verificationRooflineFloor()).as("160 ms of arithmetic over 40 ms of reading").hasValue(4.0);
        assertThat(r.verificationTargetRatio()).as("what was measured").hasValue(5.0);
    }

    @Test
    void withoutEitherPassOfTheTargetThereIsNoFloor() {
        PassMeasurement one = pass(BatchRouting.SAME_EXPERTS, 1, 50);
        PassMeasurement sixteen = pass(BatchRouting.SAME_EXPERTS, 16, 100);
        assertThat(report(List.of(one), Optional.empty()).verificationRooflineFloor()).isEmpty();
        assertThat(report(List.of(sixteen), Optional.empty()).verificationRooflineFloor()).isEmpty();
        assertThat(report(List.of(pass(BatchRouting.NATURAL, 1, 50), pass(BatchRouting.NATURAL, 16, 100)),
                Optional.empty()).verificationRooflineFloor()).as("natural routing is not the target").isEmpty();
    }

    @Test
    void aRooflineNeedsPositivePeaks() {
        assertThatThrownBy(() -> Roofline.of(1, 1, 0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Roofline.of(1, 1, 10, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peakResidentMemoryIsComparedWithTheMappedWeights() {
        ResidentMemory memory = new ResidentMemory(1_100_000_000L, 1_000_000_000L, 900_000_000L, 100_000_000L);
        assertThat(report(List.of(), Optional.of(memory)).peakResidentRatio()).hasValue(1.1);
        assertThat(report(List.of(), Optional.empty()).peakResidentRatio()).isEmpty();
    }
}
