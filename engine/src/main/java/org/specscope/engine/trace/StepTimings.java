package org.specscope.engine.trace;

/**
 * Where one step's time went, on the run's clock (wall time or a cost model).
 *
 * @param startNanos  when the step began, counted from the start of the run
 * @param draftNanos  drafting (including keeping the drafter in sync)
 * @param verifyNanos the target's verification pass
 * @param acceptNanos acceptance, KV compaction and bookkeeping
 */
public record StepTimings(long startNanos, long draftNanos, long verifyNanos, long acceptNanos) {

    public long totalNanos() {
        return draftNanos + verifyNanos + acceptNanos;
    }
}
