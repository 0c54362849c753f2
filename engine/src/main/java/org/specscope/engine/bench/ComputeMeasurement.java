package org.specscope.engine.bench;

import java.util.Arrays;

/**
 * What {@link ComputePeak} measured.
 *
 * @param threads              workers computing at once
 * @param vectorBits           bits per vector of the FMA chains
 * @param repeats              timed reads
 * @param bestGflopsPerSecond  the fastest read, in GFLOP/s (an FMA lane is 2 flops): the peak
 *                             the roofline holds passes to
 * @param medianGflopsPerSecond the median read, in GFLOP/s
 */
public record ComputeMeasurement(int threads, int vectorBits, int repeats, double bestGflopsPerSecond,
                                 double medianGflopsPerSecond) {

    /** Timed reads, in GFLOP/s each. */
    public static ComputeMeasurement of(int threads, int vectorBits, double[] gflopsPerSecond) {
        if (gflopsPerSecond.length == 0) {
            throw new IllegalArgumentException("no compute peak reads");
        }
        double[] sorted = gflopsPerSecond.clone();
        Arrays.sort(sorted);
        return new ComputeMeasurement(threads, vectorBits, sorted.length, sorted[sorted.length - 1],
                Measurements.median(sorted));
    }
}
