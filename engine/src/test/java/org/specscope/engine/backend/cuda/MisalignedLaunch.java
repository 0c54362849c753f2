package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A child process of {@link EmulatorChecksTest}: launches a one-token product with its weights
 * at a byte offset, on the CUDA emulator, and prints "launched" if the launch came back.
 * Arguments: the kernel ({@code matmul_t1_bf16}, 16-byte vector loads, or {@code matmul_mma_bf16},
 * 32-byte tensor-core tiles) and the offset in bytes.
 */
final class MisalignedLaunch {

    static final int ROWS = 16;
    static final int COLS = 64;
    static final int BLOCK = 256;   // CudaModelRunner's MM_WARPS * 32

    private MisalignedLaunch() {
    }

    public static void main(String[] args) {
        String kernel = args[0];
        int offset = Integer.parseInt(args[1]);
        try (CudaContext cu = CudaContext.open(CudaTestDevice.usable(), KernelImage.bundled());
             DeviceBuffers buffers = new DeviceBuffers(bound(cu))) {
            // room for the weights after the offset
            CUdeviceptr weights = buffers.ofBf16(new short[ROWS * COLS + 64]).withByteOffset(offset);
            CUdeviceptr x = buffers.of(new float[16 * COLS]);
            CUdeviceptr y = buffers.floats(16 * ROWS);
            if (kernel.equals("matmul_mma_bf16")) {
                cu.launch(kernel, 1, 1, 1, BLOCK, 0, weights, x, y, ROWS, COLS, 16);
            } else {
                cu.launch(kernel, ROWS / 8, 1, 1, BLOCK, 0, weights, x, y, ROWS, COLS, 1);
            }
            buffers.read(y, 1);
        }
        System.out.println("launched");
    }

    private static CudaContext bound(CudaContext cu) {
        cu.bind();
        return cu;
    }
}
