package org.specscope.engine.backend.cuda;

import java.util.Locale;

/**
 * The CUDA device SpecScope would run on, as the driver describes it.
 *
 * @param driverVersion the driver's CUDA version as cuDriverGetVersion reports it (13000 = 13.0)
 */
public record CudaDevice(int ordinal, String name, int computeMajor, int computeMinor, long totalBytes,
                         int driverVersion) {

    /** "NVIDIA H100 80GB HBM3 (compute 9.0, 79.1 GiB, driver CUDA 13.0)". */
    public String describe() {
        return String.format(Locale.ROOT, "%s (compute %d.%d, %.1f GiB, driver CUDA %s)", name, computeMajor,
                computeMinor, totalBytes / (double) (1L << 30), CudaProbe.versionText(driverVersion));
    }
}
