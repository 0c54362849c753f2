package org.specscope.engine.bench;

import java.util.List;

/**
 * Rounds of decode steps at batch 1 (one token per forward pass, greedy), each from the same context.
 *
 * @param tokens              decode steps per round
 * @param rounds              timed rounds
 * @param medianNanos         the median round's wall time
 * @param weightBytes         bytes of weights one round reads (top-k experts per MoE layer per step)
 * @param flops               floating-point operations of one round
 * @param meanDistinctExperts experts run per MoE layer per step (top-k at batch 1); 0 for a dense model
 */
public record DecodeMeasurement(int tokens, int rounds, double medianNanos, long weightBytes, long flops,
                                double meanDistinctExperts) {

    /** The rounds of {@code tokens} steps each, summarised by the median round's time. */
    public static DecodeMeasurement of(int tokens, List<TimedPasses> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no decode rounds");
        }
        long[] nanos = rounds.stream().mapToLong(TimedPasses::nanos).sorted().toArray();
        TimedPasses any = rounds.getFirst();
        return new DecodeMeasurement(tokens, rounds.size(), Measurements.median(nanos), any.weightBytes(), any.flops(),
                rounds.stream().mapToDouble(TimedPasses::meanDistinctExperts).average().orElseThrow());
    }

    public double tokensPerSecond() {
        return tokens * 1e9 / medianNanos;
    }

    public double millisPerToken() {
        return medianNanos / 1e6 / tokens;
    }

    public double weightBytesPerToken() {
        return (double) weightBytes / tokens;
    }

    /** Weight bytes read per second, in GB/s (10^9 bytes). */
    public double gbPerSecond() {
        return weightBytes / medianNanos;
    }
}
