package org.specscope.engine.control;

import org.specscope.engine.spec.PassCost;

/**
 * Where iteration times come from. The wall clock reads System.nanoTime; tests script time; a
 * cost-model clock advances by what the forward passes would cost on a chosen device (bytes
 * over bandwidth, FLOPs over throughput), for what-if runs of a GPU on any machine.
 */
public interface Clock {

    /** Nanoseconds on this clock's time line. */
    long nanoTime();

    /** Told after every forward pass what it cost; only cost-model clocks advance on it. */
    default void charge(PassCost cost) {
    }

    /** "wall", "cost model: H100 SXM (3.35 TB/s, 989 TFLOP/s)". */
    String describe();

    Clock WALL = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String describe() {
            return "wall";
        }
    };
}
