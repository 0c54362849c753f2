package org.specscope.engine.trace;

import java.util.List;

/**
 * A whole trace read back: the header, every step, and the end.
 *
 * @param end how the run ended; null when the run did not finish (it crashed, or the file was
 *            read leniently and the end was on a cut-off line)
 */
public record RecordedRun(RunHeader header, List<StepTrace> steps, RunEnd end) {

    public RecordedRun {
        if (header == null) {
            throw new IllegalArgumentException("a recorded run needs its header");
        }
        steps = List.copyOf(steps);
    }

    /** Whether the trace reached its end record. */
    public boolean finished() {
        return end != null;
    }

    /** Feeds the run to a sink in recording order, as the live run did: header, steps, end (if any). */
    public void replay(TraceSink sink) {
        sink.onHeader(header);
        for (StepTrace step : steps) {
            sink.onStep(step);
        }
        if (end != null) {
            sink.onEnd(end);
        }
    }
}
