package org.specscope.engine.trace;

import java.util.List;

/** Receives a run's records in order: the header, each step, the end. */
public interface TraceSink {

    /** One sink that passes every record to each of {@code sinks}, in list order. */
    static TraceSink all(List<TraceSink> sinks) {
        List<TraceSink> targets = List.copyOf(sinks);
        return new TraceSink() {
            @Override
            public void onHeader(RunHeader header) {
                targets.forEach(s -> s.onHeader(header));
            }

            @Override
            public void onStep(StepTrace step) {
                targets.forEach(s -> s.onStep(step));
            }

            @Override
            public void onEnd(RunEnd end) {
                targets.forEach(s -> s.onEnd(end));
            }
        };
    }

    default void onHeader(RunHeader header) {
    }

    void onStep(StepTrace step);

    default void onEnd(RunEnd end) {
    }
}
