package org.specscope.engine.cli;

import org.specscope.engine.model.LoadStep;

import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A model load's progress as "load: ..." lines, for loads long enough to wait on (a 90 GB
 * checkpoint checked layer by layer, its weights uploaded to a GPU): nothing in the first second,
 * so that a small model loads silently, then the step in hand at most once a second, and the step
 * that finishes a stage after one of its steps was shown (so that the upload's last line says
 * 12.9 of 12.9 GiB).
 */
final class LoadLines implements Consumer<LoadStep> {

    static final long QUIET_NANOS = 1_000_000_000L;
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private long start = Long.MIN_VALUE;
    private long lastShown;
    private boolean stageShownUnfinished;

    LoadLines(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void accept(LoadStep step) {
        long now = nanoClock.getAsLong();
        if (start == Long.MIN_VALUE) {
            start = now;
        }
        boolean finishesStage = step.total() > 0 && step.done() >= step.total();
        boolean due = now - start >= QUIET_NANOS && now - lastShown >= INTERVAL_NANOS;
        if (due || (finishesStage && stageShownUnfinished)) {
            out.println("load: " + step.message());
            out.flush();
            lastShown = now;
            stageShownUnfinished = !finishesStage && step.total() > 0;
        }
    }
}
