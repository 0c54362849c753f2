package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.model.safetensors.SafetensorsWriter;
import org.specscope.engine.tensor.Tensor;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tensor-core kernels of multi-token passes (*_mma_bf16) compute what the CPU computes from
 * the same BF16 weights and float32 inputs, to float32 accuracy: each input is split into two
 * BF16 parts, so nothing is lost to BF16 inputs (a kernel that multiplied only the high part would
 * be off by ~1e-4 of the sum and fail here). Shapes cross the kernels' edges: a row block's end, a
 * column chunk (256) with a remainder, a token tile (16) with a remainder. Skipped without a CUDA
 * device; the build's second test run drives it against the CUDA emulator.
 */
class TensorCoreKernelsTest {

    static final int BLOCK = 256;     // MM_WARPS * 32
    static final int ROWS_PER_BLOCK = 128;
    static final int TILE = 16;
    /** |device - exact| <= TOLERANCE * sum_k |w_k x_k| per output. */
    static final double TOLERANCE = 3e-5;

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @ParameterizedTest(name = "{0} x {1} weights, {2} tokens")
    @CsvSource({"16, 16, 2", "144, 272, 17", "128, 528, 40", "256, 64, 16"})
    void matmulMatchesTheExactProduct(int rows, int cols, int tokens) {
        SplittableRandom random = new SplittableRandom(rows * 7919L + cols * 31L + tokens);
        Bf16Matrix w = Bf16Matrix.random(rows, cols, random);
        float[] x = DeviceBuffers.gaussian(tokens * cols, random);
        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr dw = buffers.ofBf16(w.bits());
            CUdeviceptr dx = buffers.of(x);
            CUdeviceptr dy = buffers.floats((long) tokens * rows);
            cu().launch("matmul_mma_bf16", ceil(tokens, TILE), ceil(rows, ROWS_PER_BLOCK), 1, BLOCK, 0, dw, dx, dy,
                    rows, cols, tokens);
            float[] y = buffers.read(dy, tokens * rows);
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < rows; r++) {
                    assertExact(y[t * rows + r], w, r, x, t * cols, "token " + t + " row " + r);
                }
            }
        }
    }

    @Test
    void matmul3SplitsItsBlocksAmongTheThreeMatrices() {
        int cols = 96;
        int tokens = 21;
        int[] rows = {64, 32, 160};   // 1, 1 and 2 row blocks; the last block of c half used
        SplittableRandom random = new SplittableRandom(3);
        float[] x = DeviceBuffers.gaussian(tokens * cols, random);
        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            Bf16Matrix[] w = new Bf16Matrix[3];
            CUdeviceptr[] dw = new CUdeviceptr[3];
            CUdeviceptr[] dy = new CUdeviceptr[3];
            int blocks = 0;
            for (int m = 0; m < 3; m++) {
                w[m] = Bf16Matrix.random(rows[m], cols, random);
                dw[m] = buffers.ofBf16(w[m].bits());
                dy[m] = buffers.floats((long) tokens * rows[m]);
                blocks += ceil(rows[m], ROWS_PER_BLOCK);
            }
            CUdeviceptr dx = buffers.of(x);
            cu().launch("matmul3_mma_bf16", ceil(tokens, TILE), blocks, 1, BLOCK, 0, dw[0], dw[1], dw[2], dx, dy[0],
                    dy[1], dy[2], rows[0], rows[1], rows[2], cols, tokens);
            for (int m = 0; m < 3; m++) {
                float[] y = buffers.read(dy[m], tokens * rows[m]);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows[m]; r++) {
                        assertExact(y[t * rows[m] + r], w[m], r, x, t * cols, "matrix " + m + " token " + t + " row " + r);
                    }
                }
            }
        }
    }

    /**
     * The grouped expert products over group_pairs' work list: expert 1 has 20 pairs (two items,
     * the second of 4), expert 3 has 5, experts 0 and 2 none. gate/up gather their inputs by
     * pair; down reads the activations in pair order.
     */
    @Test
    void expertProductsFollowTheWorkListAndGatherTheirTokens() {
        int experts = 4;
        int width = 48;
        int hidden = 80;
        int tokens = 9;
        int[] expertStart = {0, 0, 20, 20, 25};
        int[] work = {1, 0, 1, 16, 3, 20};
        int items = work.length / 2;
        int pairs = expertStart[experts];
        SplittableRandom random = new SplittableRandom(11);
        int[] pairToken = new int[pairs];
        for (int p = 0; p < pairs; p++) {
            pairToken[p] = random.nextInt(tokens);
        }
        Bf16Matrix gate = Bf16Matrix.random(experts * width, hidden, random);
        Bf16Matrix up = Bf16Matrix.random(experts * width, hidden, random);
        Bf16Matrix down = Bf16Matrix.random(experts * hidden, width, random);
        float[] x = DeviceBuffers.gaussian(tokens * hidden, random);
        long stride = (long) width * hidden;

        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr dGate = buffers.ofBf16(gate.bits());
            CUdeviceptr dUp = buffers.ofBf16(up.bits());
            CUdeviceptr dDown = buffers.ofBf16(down.bits());
            CUdeviceptr dWork = buffers.of(work);
            CUdeviceptr dCount = buffers.of(new int[]{items, 0});
            CUdeviceptr dStart = buffers.of(expertStart);
            CUdeviceptr dGather = buffers.of(pairToken);
            CUdeviceptr dx = buffers.of(x);
            CUdeviceptr dAct = buffers.floats((long) pairs * width);
            CUdeviceptr dOut = buffers.floats((long) pairs * hidden);
            // One item more than the list holds, as the runner's bound launches: it must do nothing.
            cu().launch("expert_gate_up_mma_bf16", ceil(width, ROWS_PER_BLOCK), items + 1, 1, BLOCK, 0, dGate, dUp,
                    stride, dWork, dCount, dStart, dGather, dx, dAct, width, hidden);
            cu().launch("expert_matmul_mma_bf16", ceil(hidden, ROWS_PER_BLOCK), items + 1, 1, BLOCK, 0, dDown, stride,
                    dWork, dCount, dStart, dAct, dOut, hidden, width);
            float[] act = buffers.read(dAct, pairs * width);
            float[] out = buffers.read(dOut, pairs * hidden);
            for (int e = 0; e < experts; e++) {
                for (int p = expertStart[e]; p < expertStart[e + 1]; p++) {
                    int xAt = pairToken[p] * hidden;
                    for (int r = 0; r < width; r++) {
                        double g = gate.dot(e * width + r, x, xAt);
                        double u = up.dot(e * width + r, x, xAt);
                        double expected = g / (1 + Math.exp(-g)) * u;
                        double bound = TOLERANCE * (1.2 * gate.absDot(e * width + r, x, xAt) * Math.abs(u)
                                + up.absDot(e * width + r, x, xAt) * Math.abs(g)) + 1e-30;
                        assertThat(Math.abs(act[p * width + r] - expected)).as("act of pair %d row %d", p, r)
                                .isLessThanOrEqualTo(bound);
                    }
                    for (int r = 0; r < hidden; r++) {
                        assertExact(out[p * hidden + r], down, e * hidden + r, act, p * width, "down of pair " + p + " row " + r);
                    }
                }
            }
        }
    }

    private static void assertExact(float actual, Bf16Matrix w, int row, float[] x, int xAt, String what) {
        double exact = w.dot(row, x, xAt);
        double bound = TOLERANCE * w.absDot(row, x, xAt) + 1e-30;
        assertThat(Math.abs(actual - exact)).as(what + ": %s vs exact %s", actual, exact).isLessThanOrEqualTo(bound);
    }

    /** A row-major BF16 matrix, kept as the floats it holds exactly. */
    private record Bf16Matrix(int rows, int cols, short[] bits, float[] values) {

        static Bf16Matrix random(int rows, int cols, SplittableRandom random) {
            short[] bits = new short[rows * cols];
            float[] values = new float[bits.length];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = SafetensorsWriter.floatToBf16((float) (random.nextGaussian() * 0.1));
                values[i] = Tensor.bf16ToFloat(bits[i]);
            }
            return new Bf16Matrix(rows, cols, bits, values);
        }

        double dot(int row, float[] x, int xAt) {
            double sum = 0;
            for (int k = 0; k < cols; k++) {
                sum += (double) values[row * cols + k] * x[xAt + k];
            }
            return sum;
        }

        double absDot(int row, float[] x, int xAt) {
            double sum = 0;
            for (int k = 0; k < cols; k++) {
                sum += Math.abs((double) values[row * cols + k] * x[xAt + k]);
            }
            return sum;
        }
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
