package org.specscope.engine.bench;

import java.util.Arrays;

/**
 * Timed reads of one device peak ({@link org.specscope.engine.backend.PeakReader}).
 *
 * @param description what was read, as the reader says
 * @param repeats     timed reads
 * @param best        the fastest read (GB/s or GFLOP/s): what rooflines and ratios use
 * @param median      the median read
 */
public record PeakMeasurement(String description, int repeats, double best, double median) {

    public static PeakMeasurement of(String description, double[] reads) {
        if (reads.length == 0) {
            throw new IllegalArgumentException("no reads of " + description);
        }
        double[] sorted = reads.clone();
        Arrays.sort(sorted);
        return new PeakMeasurement(description, sorted.length, sorted[sorted.length - 1], Measurements.median(sorted));
    }
}
