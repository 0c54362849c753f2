package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;

import java.util.Locale;

/**
 * What a kernel launch costs on this machine, for the GPU run's report (.ci/gpu-check parity): the
 * host's time to enqueue one launch, through the FFM path and through JCuda's, and the device's
 * time per launch when the host only waits at the end. A decode step is some 170 launches; when the
 * host's time per launch times that exceeds the step's device time, the step is host-bound and only
 * fewer launches (or CUDA graphs) make it faster.
 */
public final class LaunchCost {

    private static final int LAUNCHES = 20_000;

    private LaunchCost() {
    }

    public static void main(String[] args) {
        try (CudaContext cu = CudaContext.open(0, KernelImage.bundled())) {
            CUdeviceptr v = cu.alloc(1 << 12, "values");
            try {
                for (boolean ffm : new boolean[]{true, false}) {
                    measure(cu, v, ffm);   // a warm-up round for the JIT and the driver
                    double[] r = measure(cu, v, ffm);
                    System.out.printf(Locale.ROOT, "launch cost (%s): host %.2f us to enqueue, %.2f us a launch "
                            + "until the device finished (%d launches of a 2-block kernel)%n",
                            ffm ? "FFM" : "JCuda", r[0], r[1], LAUNCHES);
                }
            } finally {
                CudaContext.free(v);
            }
        }
    }

    /** {host us per launch to enqueue, us per launch until the stream is done}. */
    private static double[] measure(CudaContext cu, CUdeviceptr v, boolean ffm) {
        cu.bind();
        cu.sync();
        long t0 = System.nanoTime();
        for (int i = 0; i < LAUNCHES; i++) {
            if (ffm) {
                cu.launch("clamp_values", 2, 1, 1, 32, 0, v, 16L, 1f);
            } else {
                cu.launchThroughJCuda("clamp_values", 2, 1, 1, 32, 0, v, 16L, 1f);
            }
        }
        long t1 = System.nanoTime();
        cu.sync();
        long t2 = System.nanoTime();
        return new double[]{(t1 - t0) / 1e3 / LAUNCHES, (t2 - t0) / 1e3 / LAUNCHES};
    }
}
