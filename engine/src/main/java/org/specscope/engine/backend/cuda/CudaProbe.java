package org.specscope.engine.backend.cuda;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Finds out once whether SpecScope's kernels can run here, and if not, the one reason why.
 * The answer is cached per probe: JCuda cannot be asked twice after a missing libcuda.so.1 (the
 * second touch fails differently), and the answer does not change while the process runs.
 * {@link #system()} is the process's probe; tests build their own over a fake {@link DriverQuery}.
 */
public final class CudaProbe {

    /** Our kernels are compiled for compute capability 8.0 (Ampere) and newer. */
    public static final int MIN_COMPUTE_MAJOR = 8;

    private final Supplier<DriverQuery> driver;
    private final int requiredDriverVersion;
    private CudaAvailability answer;

    /**
     * @param driver                the driver to ask (created only when the probe first runs)
     * @param requiredDriverVersion the CUDA version the kernel image needs the driver to support
     */
    public CudaProbe(Supplier<DriverQuery> driver, int requiredDriverVersion) {
        this.driver = driver;
        this.requiredDriverVersion = requiredDriverVersion;
    }

    private static final class SystemProbe {
        static final CudaProbe PROBE = new CudaProbe(JCudaDriverQuery::new,
                KernelImage.bundled().requiredDriverVersion());
    }

    /** The real driver's probe, shared by the process (its answer is a fact of the machine). */
    public static CudaProbe system() {
        return SystemProbe.PROBE;
    }

    /** The device to run on, or why there is none. Asks the driver the first time only. */
    public synchronized CudaAvailability availability() {
        if (answer == null) {
            answer = ask();
        }
        return answer;
    }

    private CudaAvailability ask() {
        try {
            DriverQuery d = driver.get();
            int version = d.driverVersion();
            if (version < requiredDriverVersion) {
                return CudaAvailability.unavailable("the driver supports CUDA " + versionText(version)
                        + "; SpecScope's kernels need " + versionText(requiredDriverVersion) + "+ ("
                        + minimumDriverRelease(requiredDriverVersion) + ")");
            }
            if (d.deviceCount() < 1) {
                return CudaAvailability.unavailable("no CUDA device");
            }
            CudaDevice device = d.device(0, version);
            if (device.computeMajor() < MIN_COMPUTE_MAJOR) {
                return CudaAvailability.unavailable(device.name() + " has compute capability " + device.computeMajor()
                        + "." + device.computeMinor() + "; SpecScope's kernels need " + MIN_COMPUTE_MAJOR + ".0+");
            }
            return CudaAvailability.of(device);
        } catch (LinkageError e) {
            // UnsatisfiedLinkError on the first touch of JCudaDriver, NoClassDefFoundError after.
            return CudaAvailability.unavailable("libcuda.so.1 not found: no NVIDIA driver");
        } catch (RuntimeException e) {
            return CudaAvailability.unavailable("the CUDA driver failed: " + e.getMessage());
        }
    }

    /** 12040 -> "12.4". */
    static String versionText(int cudaVersion) {
        return String.format(Locale.ROOT, "%d.%d", cudaVersion / 1000, (cudaVersion % 1000) / 10);
    }

    /** The driver branch that first supported a CUDA version (NVIDIA's compatibility table). */
    static String minimumDriverRelease(int cudaVersion) {
        int major = cudaVersion / 1000;
        int minor = (cudaVersion % 1000) / 10;
        if (major >= 13) {
            return "R580+";
        }
        if (major == 12) {
            return minor >= 8 ? "R570+" : minor >= 4 ? "R550+" : "R525+";
        }
        return "a newer driver";
    }
}
