package org.specscope.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device the CUDA tests run on. Without a usable device they are skipped with the probe's
 * reason (CI's default test run), unless {@code -Dspecscope.cuda.required} says a device must be
 * there: the build's second run against the CUDA emulator sets it to {@code emulator}, so that a
 * broken emulator build fails instead of skipping every check.
 */
public final class CudaTestDevice {

    /** The name src/test/cuda-emulator's libcuda.so.1 gives its device. */
    static final String EMULATOR_NAME_PREFIX = "SpecScope CUDA emulator";

    private CudaTestDevice() {
    }

    public static CudaDevice usable() {
        CudaAvailability a = CudaProbe.system().availability();
        String required = System.getProperty("specscope.cuda.required");
        if (required == null) {
            assumeTrue(a.isAvailable(), () -> "no usable CUDA device: " + a.reason());
        } else {
            assertThat(a.isAvailable()).as("a CUDA device is required (%s) but: %s", required, a.reason()).isTrue();
        }
        CudaDevice device = a.device().orElseThrow();
        if ("emulator".equals(required)) {
            assertThat(device.name()).as("the device of the emulator run").startsWith(EMULATOR_NAME_PREFIX);
        }
        return device;
    }

    /** Whether {@code device} is the host emulator: its timings say nothing about a GPU. */
    public static boolean emulated(CudaDevice device) {
        return device.name().startsWith(EMULATOR_NAME_PREFIX);
    }

    /** A function the emulator's libcuda.so.1 exports for tests (its test hooks). */
    static MethodHandle emulatorHook(String name, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("libcuda.so.1", Arena.global()).find(name).orElseThrow(), descriptor);
    }
}
