package org.specscope.engine.backend;

/**
 * A backend capability: the device's own memory bandwidth and FMA throughput, read by kernels on
 * the device, so that a bench on a GPU holds decode to the GPU's memory rather than the host's.
 * Backends running on the CPU do not offer it.
 */
public interface DevicePeaks {

    /** The device's name as its driver reports it, e.g. "NVIDIA H100 80GB HBM3". */
    String deviceName();

    /** A bandwidth buffer large beside the device's caches and small beside its free memory. */
    long defaultBandwidthBytes();

    /** Allocates {@code bytes} of device memory and reads all of it per {@link PeakReader#read()}. */
    PeakReader memoryRead(long bytes);

    /** Independent FMA chains in registers on every multiprocessor, per {@link PeakReader#read()}. */
    PeakReader fmaPeak();
}
