package org.specscope.engine.bench;

import java.util.Locale;

/**
 * The least time some work can take on a machine that reads memory and multiplies at measured
 * peaks: reading its weights and doing its arithmetic overlap at best, so the slower of the two
 * bounds it.
 *
 * @param memoryNanos  the weights' bytes at the best measured read bandwidth
 * @param computeNanos the flops at the best measured FMA throughput
 */
public record Roofline(double memoryNanos, double computeNanos) {

    /** Which of the two bounds the work. */
    public enum Bound {
        MEMORY, COMPUTE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code weightBytes} read at {@code gbPerSecond} (10^9 bytes/s), {@code flops} done at {@code gflopsPerSecond}. */
    public static Roofline of(long weightBytes, long flops, double gbPerSecond, double gflopsPerSecond) {
        if (!(gbPerSecond > 0) || !(gflopsPerSecond > 0)) {
            throw new IllegalArgumentException("a roofline needs positive peaks, got " + gbPerSecond + " GB/s and "
                    + gflopsPerSecond + " GFLOP/s");
        }
        // Bytes over bytes per ns, flops over flops per ns: both in ns.
        return new Roofline(weightBytes / gbPerSecond, flops / gflopsPerSecond);
    }

    /** The roofline time: the slower of reading and computing. */
    public double nanos() {
        return Math.max(memoryNanos, computeNanos);
    }

    public double millis() {
        return nanos() / 1e6;
    }

    public Bound bound() {
        return computeNanos > memoryNanos ? Bound.COMPUTE : Bound.MEMORY;
    }

    /**
     * The roofline time over a measured time: 1 at the roofline, less when slower. Above 1 means
     * the peaks understate the machine for this work, as when the weights sit in a cache.
     */
    public double fractionOf(double measuredNanos) {
        return nanos() / measuredNanos;
    }
}
