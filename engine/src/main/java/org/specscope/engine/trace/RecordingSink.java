package org.specscope.engine.trace;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every record it is given, readable from any thread while a run is still writing to it
 * (a live run's decoding thread feeds it; a view, a test or a command reads it).
 */
public final class RecordingSink implements TraceSink {

    private volatile RunHeader header;
    private final List<StepTrace> steps = new CopyOnWriteArrayList<>();
    private volatile RunEnd end;

    @Override
    public void onHeader(RunHeader h) {
        header = h;
    }

    @Override
    public void onStep(StepTrace step) {
        steps.add(step);
    }

    @Override
    public void onEnd(RunEnd e) {
        end = e;
    }

    /** The header, or null before it came. */
    public RunHeader header() {
        return header;
    }

    /** The steps so far (a snapshot). */
    public List<StepTrace> steps() {
        return List.copyOf(steps);
    }

    public int stepCount() {
        return steps.size();
    }

    /** The end, or null while the run goes on. */
    public RunEnd end() {
        return end;
    }

    /** What has been recorded so far, as one run. */
    public RecordedRun run() {
        return new RecordedRun(header, steps(), end);
    }
}
