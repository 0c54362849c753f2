package org.specscope.engine.bench;

/**
 * Timed decode steps at batch 1 (one token per forward pass, greedy).
 *
 * @param tokens                tokens decoded while timed
 * @param nanos                 their total wall time
 * @param weightBytes           bytes of weights those passes read, by {@link org.specscope.engine.spec.PassCostModel}
 *                              from the experts each step actually used
 * @param flops                 floating-point operations of those passes
 * @param meanDistinctExperts   experts run per MoE layer per step (top-k at batch 1); 0 for a dense model
 */
public record DecodeMeasurement(int tokens, long nanos, long weightBytes, long flops, double meanDistinctExperts) {

    public double tokensPerSecond() {
        return tokens * 1e9 / nanos;
    }

    public double millisPerToken() {
        return nanos / 1e6 / tokens;
    }

    public double weightBytesPerToken() {
        return (double) weightBytes / tokens;
    }

    /** Weight bytes read per second, in GB/s (10^9 bytes). */
    public double gbPerSecond() {
        return (double) weightBytes / nanos;
    }
}
