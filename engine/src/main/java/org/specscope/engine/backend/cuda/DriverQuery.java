package org.specscope.engine.backend.cuda;

/**
 * The few driver questions the probe asks, behind an interface so that tests can play a machine
 * without a driver, with an old one, or without a device (this machine has none of the real ones).
 * Any method may throw {@link LinkageError} when libcuda.so.1 is missing, and a
 * {@link RuntimeException} carrying the driver's error otherwise.
 */
public interface DriverQuery {

    /** cuDriverGetVersion: the CUDA version the installed driver supports (12040 = 12.4). */
    int driverVersion();

    /** cuInit; then the number of devices. */
    int deviceCount();

    /** Name, compute capability and memory of device {@code ordinal}. */
    CudaDevice device(int ordinal, int driverVersion);
}
