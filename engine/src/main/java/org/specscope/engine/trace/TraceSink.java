package org.specscope.engine.trace;

/** Receives a run's records in order: the header, each step, the end. */
public interface TraceSink {

    default void onHeader(RunHeader header) {
    }

    void onStep(StepTrace step);

    default void onEnd(RunEnd end) {
    }
}
