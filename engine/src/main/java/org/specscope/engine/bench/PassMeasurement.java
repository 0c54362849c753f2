package org.specscope.engine.bench;

import java.util.List;

/**
 * Repeated timings of one verification pass of {@code tokens} tokens after the same context.
 *
 * @param routing             how the pass's tokens routed
 * @param tokens              tokens verified in the pass (logits for every one of them)
 * @param repeats             timed repetitions
 * @param medianNanos         the median repetition's wall time
 * @param bestNanos           the fastest repetition's wall time
 * @param weightBytes         bytes of weights one pass reads (each used expert once)
 * @param flops               floating-point operations of one pass
 * @param meanDistinctExperts distinct experts run per MoE layer; 0 for a dense model
 */
public record PassMeasurement(BatchRouting routing, int tokens, int repeats, double medianNanos, long bestNanos,
                              long weightBytes, long flops, double meanDistinctExperts) {

    /** Repetitions of one pass (the same batch after the same context, so the same bytes each time). */
    public static PassMeasurement of(BatchRouting routing, int tokens, List<TimedPasses> repetitions) {
        if (repetitions.isEmpty()) {
            throw new IllegalArgumentException("no repetitions of the " + tokens + "-token pass");
        }
        long[] nanos = repetitions.stream().mapToLong(TimedPasses::nanos).sorted().toArray();
        TimedPasses any = repetitions.getFirst();
        return new PassMeasurement(routing, tokens, repetitions.size(), Measurements.median(nanos), nanos[0],
                any.weightBytes(), any.flops(), any.meanDistinctExperts());
    }

    public double medianMillis() {
        return medianNanos / 1e6;
    }

    /** Weight bytes read per second over the median pass, in GB/s (10^9 bytes). */
    public double gbPerSecond() {
        return weightBytes / medianNanos;
    }

    /** Floating-point operations per second over the median pass, in GFLOP/s. */
    public double gflopsPerSecond() {
        return flops / medianNanos;
    }
}
