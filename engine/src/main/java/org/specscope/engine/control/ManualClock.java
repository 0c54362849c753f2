package org.specscope.engine.control;

/**
 * A clock that moves only when told: scripted time for tests, and for replays that feed recorded
 * iteration times back through a controller. Ignores pass costs.
 */
public final class ManualClock implements Clock {

    private long now;

    public ManualClock() {
        this(0);
    }

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward by {@code nanos} (>= 0: clocks do not run backwards). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a clock cannot go back " + (-nanos) + " ns");
        }
        now = Math.addExact(now, nanos);
    }

    @Override
    public String describe() {
        return "manual";
    }
}
