package org.specscope.engine.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One bench run: decode, verification passes, memory bandwidth and compute peak, measured in
 * interleaved rounds so that whatever else the machine is doing meanwhile weighs on all of them alike, and
 * the ratios between them hold even where the absolute figures drift.
 * <p>
 * Order: the warm-up (every pass once, untimed); resident memory, before the bandwidth buffer
 * exists (it is off-heap and would count); then per round one round of decode steps, every pass
 * size with both routings, one read of the bandwidth buffer and one compute-peak read.
 */
public final class Benchmark {

    private Benchmark() {
    }

    /**
     * Runs {@code plan} on {@code passes}; {@code weightBytes} is the model's mapped size and
     * {@code progress} hears one line per stage.
     */
    public static BenchReport run(PassBenchmark passes, BenchPlan plan, long weightBytes, Consumer<String> progress) {
        progress.accept("warm-up: " + plan.warmupSteps() + " decode steps and every pass once");
        passes.warmUp(plan.warmupSteps(), plan.passSizes());
        Optional<ResidentMemory> memory = ResidentMemory.ofThisProcess();
        long heap = Runtime.getRuntime().totalMemory();

        List<TimedPasses> decodeRounds = new ArrayList<>();
        Map<BatchRouting, Map<Integer, List<TimedPasses>>> repetitions = new LinkedHashMap<>();
        double[] gbPerSecond = new double[plan.repeats()];
        double[] gflopsPerSecond = new double[plan.repeats()];
        BandwidthMeasurement read;
        try (MemoryBandwidth bandwidth = new MemoryBandwidth(plan.bandwidthBytes(), plan.threads());
             ComputePeak peak = new ComputePeak(plan.threads())) {
            bandwidth.warmUp();
            peak.warmUp();
            for (int r = 0; r < plan.repeats(); r++) {
                progress.accept("round " + (r + 1) + "/" + plan.repeats() + ": " + plan.decodeTokens()
                        + " decode steps, passes of " + plan.passSizes()
                        + " tokens, a bandwidth read, a compute-peak read");
                decodeRounds.add(passes.decode(plan.decodeTokens()));
                for (BatchRouting routing : BatchRouting.values()) {
                    for (int size : plan.passSizes()) {
                        repetitions.computeIfAbsent(routing, k -> new LinkedHashMap<>())
                                .computeIfAbsent(size, k -> new ArrayList<>()).add(passes.pass(size, routing));
                    }
                }
                gbPerSecond[r] = bandwidth.read();
                gflopsPerSecond[r] = peak.read();
            }
            read = BandwidthMeasurement.of(bandwidth.bufferBytes(), plan.threads(), gbPerSecond, bandwidth.checksum());
        }
        List<PassMeasurement> measured = new ArrayList<>();
        repetitions.forEach((routing, bySize) -> bySize.forEach((size, runs) ->
                measured.add(PassMeasurement.of(routing, size, runs))));
        return new BenchReport(read, ComputeMeasurement.of(plan.threads(), ComputePeak.vectorBits(), gflopsPerSecond),
                DecodeMeasurement.of(plan.decodeTokens(), decodeRounds), measured, memory, heap, weightBytes);
    }
}
