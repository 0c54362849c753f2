package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.specscope.engine.bench.ResidentMemory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kernel launches through the FFM API (KernelLauncher) pass arguments as JCuda's own launch does:
 * device pointers with and without a byte offset, int, long and float values (null pointers and
 * double values run in every budgeted pass of CudaParityTest, which launches only this way).
 * Skipped without a CUDA device; the build's second test run drives it against the CUDA emulator.
 */
class KernelLauncherTest {

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @Test
    void theFfmPathIsTheOneInUseOnTheClassPath() {
        assertThat(KernelLauncher.unavailable()).isNull();
    }

    @Test
    void bothLaunchPathsComputeTheSame() {
        float[] values = new float[64];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i - 32) * 0.5f;
        }
        float[] viaFfm = run(true, values);
        float[] viaJCuda = run(false, values);
        assertThat(viaFfm).containsExactly(viaJCuda);
        // Clamped to +-4 (float and long arguments), then the bias added to elements 16.. (int
        // arguments, a pointer with a byte offset).
        assertThat(viaFfm[0]).isEqualTo(-4f);
        assertThat(viaFfm[63]).isEqualTo(4f + 1f);
    }

    /**
     * Launches whose block sizes alternate (as a pass's do: 32, 128, 256 threads) leave the process
     * no bigger: the emulator once dropped a fiber's stack whenever a smaller block came, and grew
     * by gigabytes over a few thousand launches.
     */
    @Test
    void launchesOfChangingBlockSizesDoNotGrowTheProcess() {
        CUdeviceptr v = cu().alloc(1 << 12, "values");
        try {
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                cu().launch("clamp_values", 2, 1, 1, warmUp == 0 ? 32 : 1024, 0, v, 16L, 1f);
            }
            cu().sync();
            long before = residentKiB();
            for (int i = 0; i < 2000; i++) {
                cu().launch("clamp_values", 2, 1, 1, (i & 1) == 0 ? 32 : 1024, 0, v, 16L, 1f);
            }
            cu().sync();
            assertThat(residentKiB() - before).as("KiB of resident memory added by 2000 launches")
                    .isLessThan(256 * 1024);
        } finally {
            CudaContext.free(v);
        }
    }

    private static long residentKiB() {
        return ResidentMemory.ofThisProcess().orElseThrow().currentBytes() >> 10;
    }

    /** clamp_values over all, then add_bias on rows 16.. through an offset pointer. */
    private static float[] run(boolean ffm, float[] values) {
        CUdeviceptr v = cu().alloc((long) values.length * Float.BYTES, "values");
        CUdeviceptr bias = cu().alloc(16L * Float.BYTES, "bias");
        try {
            cu().upload(values, v);
            float[] ones = new float[16];
            java.util.Arrays.fill(ones, 1f);
            cu().upload(ones, bias);
            launch(ffm, "clamp_values", 1, 64, v, (long) values.length, 4f);
            launch(ffm, "add_bias", 1, 64, v.withByteOffset(16L * Float.BYTES), bias, 3, 16);
            float[] out = new float[values.length];
            cu().download(v, 0, out, out.length);
            return out;
        } finally {
            CudaContext.free(v);
            CudaContext.free(bias);
        }
    }

    private static void launch(boolean ffm, String kernel, int grid, int block, Object... args) {
        if (ffm) {
            cu().launch(kernel, grid, 1, 1, block, 0, args);
        } else {
            cu().launchThroughJCuda(kernel, grid, 1, 1, block, 0, args);
        }
    }
}
