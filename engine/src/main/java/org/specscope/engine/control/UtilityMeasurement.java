package org.specscope.engine.control;

/**
 * One test candidate's measured speculation utility, U = ETR / (t_spec / t_base): the speedup
 * of running K over not speculating (U < 1 is a slowdown).
 *
 * @param k                  the draft length measured
 * @param tokensPerIteration ETR, mean tokens emitted per iteration (accepted drafts + 1)
 * @param iterationNanos     t_spec, mean iteration time, drafting included
 * @param baseNanos          t_base it was compared with, the mean K = 0 iteration time
 * @param utility            U
 */
public record UtilityMeasurement(int k, double tokensPerIteration, double iterationNanos, double baseNanos,
                                 double utility) {

    /** Measures U from the means; times are clamped to 1 ns so that a clock too coarse to tick cannot divide by 0. */
    public static UtilityMeasurement of(int k, double tokensPerIteration, double iterationNanos, double baseNanos) {
        double utility = tokensPerIteration * Math.max(baseNanos, 1) / Math.max(iterationNanos, 1);
        return new UtilityMeasurement(k, tokensPerIteration, iterationNanos, baseNanos, utility);
    }
}
