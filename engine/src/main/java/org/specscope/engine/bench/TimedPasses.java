package org.specscope.engine.bench;

/**
 * One timed run of forward passes (a round of decode steps, or one verification pass) and what
 * the passes read and computed.
 *
 * @param nanos               wall time of the run
 * @param weightBytes         bytes of weights the passes read, by {@link org.specscope.engine.spec.PassCostModel}
 *                            from the experts each pass actually used
 * @param flops               floating-point operations of the passes
 * @param meanDistinctExperts distinct experts run per MoE layer per pass; 0 for a dense model
 */
public record TimedPasses(long nanos, long weightBytes, long flops, double meanDistinctExperts) {
}
