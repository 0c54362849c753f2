package org.specscope.engine.bench;

import org.specscope.engine.backend.DevicePeaks;
import org.specscope.engine.backend.PeakReader;
import org.specscope.engine.moe.ExpertBudget;

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

    /** Runs {@code plan} with nothing beyond decode, passes and the host's peaks. */
    public static BenchReport run(PassBenchmark passes, BenchPlan plan, long weightBytes, Consumer<String> progress) {
        return run(passes, plan, weightBytes, BenchExtras.NONE, progress);
    }

    /**
     * Runs {@code plan} on {@code passes}, with {@code extras} measured in the same rounds;
     * {@code weightBytes} is the model's mapped size and {@code progress} hears one line per stage.
     */
    public static BenchReport run(PassBenchmark passes, BenchPlan plan, long weightBytes, BenchExtras extras,
                                  Consumer<String> progress) {
        progress.accept("warm-up: " + plan.warmupSteps() + " decode steps and every pass once"
                + (extras.tree().isPresent() ? ", the tree unbudgeted and budgeted once" : ""));
        passes.warmUp(plan.warmupSteps(), plan.passSizes());
        extras.tree().ifPresent(t -> {
            passes.treePass(t.tree(), ExpertBudget.UNLIMITED);
            passes.treePass(t.tree(), t.budget());
        });
        Optional<ResidentMemory> memory = ResidentMemory.ofThisProcess();
        long heap = Runtime.getRuntime().totalMemory();

        List<TimedPasses> decodeRounds = new ArrayList<>();
        Map<BatchRouting, Map<Integer, List<TimedPasses>>> repetitions = new LinkedHashMap<>();
        List<TreePass> unbudgeted = new ArrayList<>();
        List<TreePass> budgeted = new ArrayList<>();
        double[] gbPerSecond = new double[plan.repeats()];
        double[] gflopsPerSecond = new double[plan.repeats()];
        double[] deviceGbPerSecond = new double[plan.repeats()];
        double[] deviceGflopsPerSecond = new double[plan.repeats()];
        BandwidthMeasurement read;
        Optional<DeviceMeasurement> device = Optional.empty();
        DevicePeaks peaks = extras.device().orElse(null);
        try (MemoryBandwidth bandwidth = new MemoryBandwidth(plan.bandwidthBytes(), plan.threads());
             ComputePeak peak = new ComputePeak(plan.threads());
             PeakReader deviceRead = peaks == null ? null
                     : peaks.memoryRead(extras.deviceBandwidthBytes().orElse(peaks.defaultBandwidthBytes()));
             PeakReader deviceFma = peaks == null ? null : peaks.fmaPeak()) {
            bandwidth.warmUp();
            peak.warmUp();
            if (peaks != null) {
                deviceRead.warmUp();
                deviceFma.warmUp();
            }
            for (int r = 0; r < plan.repeats(); r++) {
                progress.accept("round " + (r + 1) + "/" + plan.repeats() + ": " + plan.decodeTokens()
                        + " decode steps, passes of " + plan.passSizes() + " tokens"
                        + (extras.tree().isPresent() ? ", the tree twice" : "")
                        + ", a bandwidth read, a compute-peak read" + (peaks != null ? ", the device's two" : ""));
                decodeRounds.add(passes.decode(plan.decodeTokens()));
                for (BatchRouting routing : BatchRouting.values()) {
                    for (int size : plan.passSizes()) {
                        repetitions.computeIfAbsent(routing, k -> new LinkedHashMap<>())
                                .computeIfAbsent(size, k -> new ArrayList<>()).add(passes.pass(size, routing));
                    }
                }
                if (extras.tree().isPresent()) {
                    TreeCase t = extras.tree().get();
                    // Alternate which goes first, so that neither always follows the same work.
                    if (r % 2 == 0) {
                        unbudgeted.add(passes.treePass(t.tree(), ExpertBudget.UNLIMITED));
                        budgeted.add(passes.treePass(t.tree(), t.budget()));
                    } else {
                        budgeted.add(passes.treePass(t.tree(), t.budget()));
                        unbudgeted.add(passes.treePass(t.tree(), ExpertBudget.UNLIMITED));
                    }
                }
                gbPerSecond[r] = bandwidth.read();
                gflopsPerSecond[r] = peak.read();
                if (peaks != null) {
                    deviceGbPerSecond[r] = deviceRead.read();
                    deviceGflopsPerSecond[r] = deviceFma.read();
                }
            }
            read = BandwidthMeasurement.of(bandwidth.bufferBytes(), plan.threads(), gbPerSecond, bandwidth.checksum());
            if (peaks != null) {
                device = Optional.of(new DeviceMeasurement(peaks.deviceName(), deviceRead.bytes(),
                        PeakMeasurement.of(deviceRead.describe(), deviceGbPerSecond),
                        PeakMeasurement.of(deviceFma.describe(), deviceGflopsPerSecond),
                        NominalBandwidth.gbPerSecond(peaks.deviceName())));
            }
        }
        List<PassMeasurement> measured = new ArrayList<>();
        repetitions.forEach((routing, bySize) -> bySize.forEach((size, runs) ->
                measured.add(PassMeasurement.of(routing, size, runs))));
        Optional<TreeMeasurement> tree = extras.tree().map(t -> new TreeMeasurement(t.tree().size(),
                t.tree().maxDepth(), t.shape(), t.numExperts(), TreeVariant.of(ExpertBudget.UNLIMITED.describe(), unbudgeted),
                TreeVariant.of(t.budget().describe(), budgeted)));
        return new BenchReport(read, ComputeMeasurement.of(plan.threads(), ComputePeak.vectorBits(), gflopsPerSecond),
                DecodeMeasurement.of(plan.decodeTokens(), decodeRounds), measured, memory, heap, weightBytes, device,
                tree);
    }
}
