package org.specscope.engine.bench;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything one {@code bench} run measured, and the ratios the CPU roofline targets are stated
 * in: all against figures measured in the same run, so that they carry over between machines.
 * The roofline of a pass is the least time its weight bytes and flops allow at the best measured
 * read bandwidth and FMA throughput ({@link Roofline}).
 *
 * @param bandwidth   the machine's read bandwidth
 * @param compute     the machine's peak FMA throughput
 * @param decode      decode steps at batch 1
 * @param passes      verification passes, by batch size and routing
 * @param memory      resident memory after the model measurements, before the bandwidth buffer
 *                    existed; empty where the OS does not say
 * @param heapBytes   the Java heap committed at the same moment: most of the anonymous memory,
 *                    which the garbage collector sizes, not the model
 * @param weightBytes bytes of weights the model maps
 * @param device      the peaks of the device the model ran on (a GPU); when present, ratios and
 *                    rooflines are the device's, not the host's
 * @param tree        the tree row (one draft tree unbudgeted and budgeted), when asked for
 */
public record BenchReport(BandwidthMeasurement bandwidth, ComputeMeasurement compute, DecodeMeasurement decode,
                          List<PassMeasurement> passes, Optional<ResidentMemory> memory, long heapBytes,
                          long weightBytes, Optional<DeviceMeasurement> device, Optional<TreeMeasurement> tree) {

    /** A run on the CPU without the tree row. */
    public BenchReport(BandwidthMeasurement bandwidth, ComputeMeasurement compute, DecodeMeasurement decode,
                       List<PassMeasurement> passes, Optional<ResidentMemory> memory, long heapBytes, long weightBytes) {
        this(bandwidth, compute, decode, passes, memory, heapBytes, weightBytes, Optional.empty(), Optional.empty());
    }

    /** The decode target on a GPU: at least half the HBM bandwidth. */
    public static final double DEVICE_DECODE_TARGET = 0.5;

    /** The decode target on the CPU: at least 0.6 of the measured read bandwidth. */
    public static final double CPU_DECODE_TARGET = 0.6;

    /** The best read bandwidth of the memory the weights are read from: the device's when there is one. */
    public double referenceGbPerSecond() {
        return device.map(d -> d.bandwidth().best()).orElse(bandwidth.bestGbPerSecond());
    }

    /** The best FMA throughput of the processor the passes ran on: the device's when there is one. */
    public double referenceGflopsPerSecond() {
        return device.map(d -> d.compute().best()).orElse(compute.bestGflopsPerSecond());
    }

    /** Decode's achieved weight bandwidth over the device's nominal bandwidth; empty on the CPU or an unknown device. */
    public OptionalDouble decodeNominalRatio() {
        if (device.isEmpty() || device.get().nominalGbPerSecond().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(decode.gbPerSecond() / device.get().nominalGbPerSecond().getAsDouble());
    }

    /**
     * The ratio the decode target is judged by: on a device of known nominal bandwidth, decode
     * over that (the stricter: "of HBM bandwidth"); otherwise over the measured read bandwidth.
     */
    public double decodeTargetRatio() {
        return decodeNominalRatio().orElse(decodeBandwidthRatio());
    }

    /** The decode target's threshold here. */
    public double decodeTarget() {
        return device.isPresent() ? DEVICE_DECODE_TARGET : CPU_DECODE_TARGET;
    }

    /** Batch size and routing of the verification target: 16 tokens against 1, on the same experts. */
    public static final int TARGET_BATCH = 16;

    public BenchReport {
        passes = List.copyOf(passes);
        if (device == null || tree == null) {
            throw new IllegalArgumentException("device and tree are Optional, never null");
        }
    }

    /** Decode's achieved weight bandwidth over the best measured read bandwidth (the device's when there is one). */
    public double decodeBandwidthRatio() {
        return decode.gbPerSecond() / referenceGbPerSecond();
    }

    /** A pass's achieved weight bandwidth over the best measured read bandwidth (the device's when there is one). */
    public double bandwidthRatio(PassMeasurement pass) {
        return pass.gbPerSecond() / referenceGbPerSecond();
    }

    public Optional<PassMeasurement> pass(int tokens, BatchRouting routing) {
        return passes.stream().filter(p -> p.tokens() == tokens && p.routing() == routing).findFirst();
    }

    /** How many one-token passes of the same routing a pass costs (median against median); empty without one. */
    public OptionalDouble ratioToOneToken(PassMeasurement pass) {
        return pass(1, pass.routing()).map(one -> OptionalDouble.of(pass.medianNanos() / one.medianNanos()))
                .orElse(OptionalDouble.empty());
    }

    /** The 16-token same-experts pass against the 1-token pass (target <= 3); empty unless both were measured. */
    public OptionalDouble verificationTargetRatio() {
        return pass(TARGET_BATCH, BatchRouting.SAME_EXPERTS).map(this::ratioToOneToken).orElse(OptionalDouble.empty());
    }

    /**
     * Flops per byte at which the best measured compute peak and bandwidth take equally long:
     * work doing more per byte of weights read is compute-bound.
     */
    public double machineBalance() {
        return referenceGflopsPerSecond() / referenceGbPerSecond();
    }

    /** The least time {@code weightBytes} and {@code flops} take at the best measured bandwidth and FMA throughput. */
    public Roofline roofline(long weightBytes, long flops) {
        return Roofline.of(weightBytes, flops, referenceGbPerSecond(), referenceGflopsPerSecond());
    }

    /** The roofline of one pass. */
    public Roofline roofline(PassMeasurement pass) {
        return roofline(pass.weightBytes(), pass.flops());
    }

    /** The roofline of one round of decode steps (each step's weights read and computed on once). */
    public Roofline decodeRoofline() {
        return roofline(decode.weightBytes(), decode.flops());
    }

    /** A pass's roofline time over its median time: how close it came to what the machine allows. */
    public double rooflineFraction(PassMeasurement pass) {
        return roofline(pass).fractionOf(pass.medianNanos());
    }

    /** Decode's roofline time over its median round. */
    public double decodeRooflineFraction() {
        return decodeRoofline().fractionOf(decode.medianNanos());
    }

    /**
     * The least the verification target ratio can be on this machine: the 16-token same-experts
     * pass against the 1-token pass if both ran at their rooflines. Where 16 tokens' flops take
     * longer than reading the experts, no kernel brings the ratio below this; empty unless both
     * passes were measured.
     */
    public OptionalDouble verificationRooflineFloor() {
        Optional<PassMeasurement> sixteen = pass(TARGET_BATCH, BatchRouting.SAME_EXPERTS);
        Optional<PassMeasurement> one = pass(1, BatchRouting.SAME_EXPERTS);
        if (sixteen.isEmpty() || one.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(roofline(sixteen.get()).nanos() / roofline(one.get()).nanos());
    }

    /** Peak resident memory over the mapped weights' size (target: close to 1); empty where unknown. */
    public OptionalDouble peakResidentRatio() {
        return memory.map(m -> OptionalDouble.of((double) m.peakBytes() / weightBytes)).orElse(OptionalDouble.empty());
    }
}
