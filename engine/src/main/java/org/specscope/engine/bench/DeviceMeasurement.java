package org.specscope.engine.bench;

import java.util.OptionalDouble;

/**
 * The peaks of the device a bench ran on (a GPU), measured in the same rounds as its passes;
 * on such a device they, not the host's, are what decode and the rooflines are held to.
 *
 * @param deviceName         as the driver reports it
 * @param bandwidthBytes     bytes one bandwidth read covers
 * @param bandwidth          read bandwidth, GB/s
 * @param compute            FP32 FMA throughput, GFLOP/s
 * @param nominalGbPerSecond the vendor's bandwidth for this device ({@link NominalBandwidth}); empty when unknown
 */
public record DeviceMeasurement(String deviceName, long bandwidthBytes, PeakMeasurement bandwidth,
                                PeakMeasurement compute, OptionalDouble nominalGbPerSecond) {
}
