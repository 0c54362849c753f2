package org.specscope.engine.backend;

/**
 * One peak a bench reads repeatedly on a device: its memory read bandwidth (GB/s) or its FMA
 * throughput (GFLOP/s). Holds whatever the reads need (a device buffer) until closed.
 */
public interface PeakReader extends AutoCloseable {

    /** What is read, for the report: "read kernel over 2.0 GiB of device memory". */
    String describe();

    /** Bytes one read covers (0 for a compute peak). */
    long bytes();

    /**
     * Untimed: runs the read before timing begins, so the first timed read pays no set-up (a
     * kernel's first launch loads it; a JIT-compiled loop wants many short calls instead).
     */
    default void warmUp() {
        read();
    }

    /** One timed read: GB/s (10^9 bytes) for bandwidth, GFLOP/s for compute. */
    double read();

    @Override
    void close();
}
