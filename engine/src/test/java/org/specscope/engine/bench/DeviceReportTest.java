package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A report with device peaks and a tree row: which bandwidth ratios use, and the target lines. */
class DeviceReportTest {

    private static final BandwidthMeasurement HOST = new BandwidthMeasurement(1 << 30, 2, 5, 10, 9, 0);
    private static final ComputeMeasurement HOST_FMA = new ComputeMeasurement(2, 256, 5, 100, 90);
    /** Rounds of 100 tokens in 0.1 s reading 200 GB: 2000 GB/s. */
    private static final DecodeMeasurement DECODE = new DecodeMeasurement(100, 3, 1e8, 200_000_000_000L, 0, 8);

    private static DeviceMeasurement h100(double measuredGbPerSecond) {
        return new DeviceMeasurement("NVIDIA H100 80GB HBM3", 2L << 30,
                new PeakMeasurement("read kernel", 5, measuredGbPerSecond, measuredGbPerSecond - 100),
                new PeakMeasurement("fma kernel", 5, 50_000, 49_000), NominalBandwidth.gbPerSecond("NVIDIA H100 80GB HBM3"));
    }

    private static BenchReport report(Optional<DeviceMeasurement> device, Optional<TreeMeasurement> tree) {
        return new BenchReport(HOST, HOST_FMA, DECODE, List.of(), Optional.empty(), 0, 1L << 34, device, tree);
    }

    @Test
    void onADeviceDecodeIsHeldToTheDevicesBandwidthAndJudgedByTheNominalFigure() {
        BenchReport r = report(Optional.of(h100(3000)), Optional.empty());
        assertThat(r.referenceGbPerSecond()).isEqualTo(3000);
        assertThat(r.referenceGflopsPerSecond()).isEqualTo(50_000);
        assertThat(r.decodeBandwidthRatio()).isCloseTo(2000 / 3000.0, within(1e-9));
        assertThat(r.decodeNominalRatio().getAsDouble()).isCloseTo(2000 / 3350.0, within(1e-9));
        assertThat(r.decodeTargetRatio()).isEqualTo(r.decodeNominalRatio().getAsDouble());
        assertThat(r.decodeTarget()).isEqualTo(0.5);
        assertThat(TargetLines.decode(r)).isEqualTo("decode at batch 1 / HBM bandwidth: 0.60 nominal, 0.67 measured "
                + "(target >= 50% of HBM bandwidth, judged by the nominal) OK");
    }

    @Test
    void anUnknownDeviceIsJudgedByItsMeasuredBandwidth() {
        DeviceMeasurement unknown = new DeviceMeasurement("Tesla V100", 1L << 30, new PeakMeasurement("read", 1, 5000, 5000),
                new PeakMeasurement("fma", 1, 1, 1), OptionalDouble.empty());
        BenchReport r = report(Optional.of(unknown), Optional.empty());
        assertThat(r.decodeNominalRatio()).isEmpty();
        assertThat(TargetLines.decode(r)).isEqualTo("decode at batch 1 / HBM bandwidth: unknown nominal, 0.40 measured "
                + "(target >= 50% of HBM bandwidth, judged by the measured) MISSED");
    }

    @Test
    void onTheCpuNothingChanges() {
        BenchReport r = report(Optional.empty(), Optional.empty());
        assertThat(r.referenceGbPerSecond()).isEqualTo(10);
        assertThat(r.decodeNominalRatio()).isEmpty();
        assertThat(TargetLines.decode(r)).isEqualTo("decode at batch 1 / measured bandwidth: 200.00 (target >= 0.6) OK");
    }

    @Test
    void theTreeRowsRatioIsBudgetedOverUnbudgetedMedianTime() {
        TreeVariant unbudgeted = new TreeVariant("unbudgeted", 5, 10e6, 9_000_000, 14_000_000_000L, 12_000_000_000L, 0, 60);
        TreeVariant budgeted = new TreeVariant("B=32 substitute", 5, 6e6, 5_900_000, 8_000_000_000L, 6_000_000_000L, 0, 32);
        TreeMeasurement t = new TreeMeasurement(64, 6, "tree 6x8/63", 64, unbudgeted, budgeted);
        assertThat(t.timeRatio()).isCloseTo(0.6, within(1e-9));
        assertThat(t.expertBytesRatio()).isCloseTo(0.5, within(1e-9));
        assertThat(t.meetsTarget()).isTrue();
        assertThat(TargetLines.tree(t)).isEqualTo(
                "tree verification 64 nodes, B=32 substitute / unbudgeted: 0.60x (target <= 0.65x) OK");
        TreeMeasurement slow = new TreeMeasurement(64, 6, "tree 6x8/63", 64, unbudgeted,
                new TreeVariant("B=32 substitute", 5, 7e6, 7_000_000, 1, 1, 0, 32));
        assertThat(TargetLines.tree(slow)).endsWith("0.70x (target <= 0.65x) MISSED");
    }
}
