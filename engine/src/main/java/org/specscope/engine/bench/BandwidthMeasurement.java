package org.specscope.engine.bench;

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
}
