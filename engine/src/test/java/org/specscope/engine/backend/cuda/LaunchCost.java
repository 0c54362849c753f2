package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;

import java.util.Locale;

/**
 * What a kernel launch costs on this machine, for the GPU run's report (.ci/gpu-check parity): the
 * host's time to enqueue one launch, and the device's time per launch when the host only waits at
 * the end, for three ways of launching: through the FFM path programmatically (programmatic
 * dependent launch, where the device has it), through the FFM path in plain stream order, and
 * through JCuda's. A decode step is some 145 launches of short kernels: when the host's time per
 * launch times that exceeds the step's device time, the step is host-bound (CUDA graphs answer
 * that); the device's time per launch of a 2-block kernel is what each kernel boundary costs
 * inside a step, which programmatic launches shorten.
 */
public final class LaunchCost {

    private static final int LAUNCHES = 20_000;

    private LaunchCost() {
    }

    public static void main(String[] args) {
        CudaAvailability available = CudaProbe.system().availability();
        CudaDevice device = available.device()
                .orElseThrow(() -> new IllegalStateException("no usable CUDA device: " + available.reason()));
        for (String way : new String[]{"FFM, programmatic", "FFM", "JCuda"}) {
            boolean programmatic = way.endsWith("programmatic");
            try (CudaContext cu = RunnerWithProperty.with(CudaContext.PROGRAMMATIC_PROPERTY,
                    String.valueOf(programmatic), () -> CudaContext.open(device, KernelImage.bundled()))) {
                if (programmatic && cu.programmaticOff() != null) {
                    System.out.println("launch cost (" + way + "): not measured, " + cu.programmaticOff());
                    continue;
                }
                CUdeviceptr v = cu.alloc(1 << 12, "values");
                try {
                    boolean ffm = way.startsWith("FFM");
                    measure(cu, v, ffm);   // a warm-up round for the JIT and the driver
                    double[] r = measure(cu, v, ffm);
                    System.out.printf(Locale.ROOT, "launch cost (%s): host %.2f us to enqueue, %.2f us a launch "
                            + "until the device finished (%d launches of a 2-block kernel)%n", way, r[0], r[1],
                            LAUNCHES);
                } finally {
                    CudaContext.free(v);
                }
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
