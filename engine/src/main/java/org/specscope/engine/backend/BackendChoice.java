package org.specscope.engine.backend;

import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.backend.cuda.CudaBackend;
import org.specscope.engine.backend.cuda.CudaDevice;
import org.specscope.engine.backend.cuda.CudaProbe;

import java.util.Locale;
import java.util.function.Function;

/**
 * Which backend runs the model: {@code auto} takes a CUDA device when a usable one is present and
 * the CPU otherwise (saying why in the backend's description), {@code cpu} and {@code cuda} force
 * one (a forced CUDA without a usable device is an error the user can fix).
 */
public enum BackendChoice {
    AUTO, CPU, CUDA;

    /** "auto", "cpu" or "cuda", in any case. */
    public static BackendChoice parse(String text) {
        for (BackendChoice c : values()) {
            if (c.name().equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("--backend is auto, cpu or cuda, got '" + text + "'");
    }

    /** The backend this choice resolves to on this machine, with {@code threads} CPU workers. */
    public Backend open(int threads) {
        return open(threads, CudaProbe.system(), CudaBackend::new);
    }

    /**
     * The backend this choice resolves to, given what {@code probe} found and how to start a device
     * backend (the seam tests use to play machines with and without a GPU).
     *
     * @throws IllegalStateException for a forced {@code cuda} without a usable device
     */
    public Backend open(int threads, CudaProbe probe, Function<CudaDevice, ? extends DeviceBackend> cuda) {
        return switch (this) {
            case CPU -> new CpuBackend(threads);
            case CUDA -> {
                CudaAvailability a = probe.availability();
                if (!a.isAvailable()) {
                    throw new IllegalStateException("CUDA is unavailable: " + a.reason());
                }
                yield cuda.apply(a.device().orElseThrow());
            }
            case AUTO -> {
                CudaAvailability a = probe.availability();
                if (!a.isAvailable()) {
                    yield new CpuBackend(threads, unavailable(a.reason()));
                }
                DeviceBackend device;
                try {
                    device = cuda.apply(a.device().orElseThrow());
                } catch (RuntimeException e) {
                    // A device that the probe saw but that will not start (context, module load).
                    yield new CpuBackend(threads, unavailable(e.getMessage()));
                }
                yield new FallbackBackend(device, reason -> new CpuBackend(threads, unavailable(reason)));
            }
        };
    }

    private static String unavailable(String reason) {
        return "CUDA unavailable: " + reason;
    }

    /** "auto", "cpu" or "cuda". */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
