package org.specscope.engine.bench;

import java.util.Arrays;

/**
 * What {@link MemoryBandwidth} measured.
 *
 * @param bufferBytes      bytes read per repetition
 * @param threads          workers reading at once
 * @param repeats          timed reads of the whole buffer
 * @param bestGbPerSecond  the fastest read, in GB/s (10^9 bytes): STREAM's convention, and the
 *                         figure decoding is held to
 * @param medianGbPerSecond the median read, in GB/s
 * @param checksum         the sum of the buffer's words modulo 2^32 (what the reads computed)
 */
public record BandwidthMeasurement(long bufferBytes, int threads, int repeats, double bestGbPerSecond,
                                   double medianGbPerSecond, int checksum) {

    /** Timed reads of a {@code bufferBytes} buffer, in GB/s each. */
    public static BandwidthMeasurement of(long bufferBytes, int threads, double[] gbPerSecond, int checksum) {
        if (gbPerSecond.length == 0) {
            throw new IllegalArgumentException("no bandwidth reads");
        }
        double[] sorted = gbPerSecond.clone();
        Arrays.sort(sorted);
        return new BandwidthMeasurement(bufferBytes, threads, sorted.length, sorted[sorted.length - 1],
                Measurements.median(sorted), checksum);
    }
}
