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

    /** Untimed: loads and runs the kernel once, so the first timed read pays no set-up. */
    void warmUp();

    /** One timed read: GB/s (10^9 bytes) for bandwidth, GFLOP/s for compute. */
    double read();

    @Override
    void close();
}
