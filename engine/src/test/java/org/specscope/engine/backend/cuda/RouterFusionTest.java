package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The router's launch does the work of the two launches around it that it replaced: before
 * routing, the residual add and the post-attention norm (add_rms_norm's result, for every token
 * row); after routing a one-token pass, the pair lists and work items that group_pairs would
 * write with the one-token tile, so that a decode step launches no group_pairs. Skipped without a
 * CUDA device; the build's second test run drives it against the CUDA emulator.
 */
class RouterFusionTest {

    static final int ROUTER_THREADS = 1024;   // CudaModelRunner's
    static final int BLOCK = 256;
    static final int GROUP_THREADS = 256;
    static final float EPS = 1e-6f;
    static final int SENTINEL = -7;

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @Test
    void theRouterAddsTheResidualAndNormsEveryRowBeforeRouting() {
        int tokens = 3;
        int cols = 96;
        int n = 16;
        int k = 4;
        SplittableRandom random = new SplittableRandom(5);
        float[] x = DeviceBuffers.gaussian(tokens * cols, random);
        float[] delta = DeviceBuffers.gaussian(tokens * cols, random);
        float[] norm = DeviceBuffers.gaussian(cols, random);
        float[] router = DeviceBuffers.gaussian(n * cols, random);
        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            // the reference: add_rms_norm, then the router on its output
            CUdeviceptr refX = buffers.of(x);
            CUdeviceptr refNormed = buffers.floats((long) tokens * cols);
            CUdeviceptr dDelta = buffers.of(delta);
            CUdeviceptr dNorm = buffers.of(norm);
            CUdeviceptr dRouter = buffers.of(router);
            cu().launch("add_rms_norm", tokens, 1, 1, BLOCK, 0, refX, dDelta, dNorm, refNormed, cols, EPS);
            Routed reference = route(buffers, dRouter, refNormed, null, null, null, tokens, n, cols, k);

            CUdeviceptr fusedX = buffers.of(x);
            CUdeviceptr fusedNormed = buffers.floats((long) tokens * cols);
            Routed fused = route(buffers, dRouter, fusedX, dDelta, dNorm, fusedNormed, tokens, n, cols, k);

            float[] expectedX = buffers.read(refX, tokens * cols);
            float[] sums = buffers.read(fusedX, tokens * cols);
            float[] expectedNormed = buffers.read(refNormed, tokens * cols);
            float[] normed = buffers.read(fusedNormed, tokens * cols);
            for (int i = 0; i < tokens * cols; i++) {
                assertThat(sums[i]).as("x + delta at %d", i).isEqualTo(x[i] + delta[i]).isEqualTo(expectedX[i]);
                // the sum of squares is reduced over 1024 threads, not 256: the last bits may differ
                assertThat(normed[i]).as("normed at %d", i)
                        .isCloseTo(expectedNormed[i], within(1e-6f * Math.max(1f, Math.abs(expectedNormed[i]))));
            }
            for (int t = 0; t < tokens; t++) {
                double ss = 0;
                for (int i = 0; i < cols; i++) {
                    ss += (double) sums[t * cols + i] * sums[t * cols + i];
                }
                double inv = 1 / Math.sqrt(ss / cols + EPS);
                for (int i = 0; i < cols; i++) {
                    double expected = sums[t * cols + i] * inv * norm[i];
                    assertThat(normed[t * cols + i]).isCloseTo((float) expected, within(1e-5f));
                }
            }
            assertThat(fused.ids()).containsExactly(reference.ids());
            for (int i = 0; i < tokens * k; i++) {
                assertThat(fused.weights()[i]).isCloseTo(reference.weights()[i], within(1e-6f));
            }
        }
    }

    @ParameterizedTest(name = "{0} experts, top-{1}")
    @CsvSource({"8, 2", "64, 8", "60, 6", "128, 8", "40, 40"})
    void aOneTokenRouterListsItsPairsAsGroupPairsWould(int n, int k) {
        int cols = 64;
        SplittableRandom random = new SplittableRandom(n * 131L + k);
        float[] x = DeviceBuffers.gaussian(cols, random);
        float[] router = DeviceBuffers.gaussian(n * cols, random);
        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr dRouter = buffers.of(router);
            CUdeviceptr dx = buffers.of(x);
            PairLists fromRouter = PairLists.filled(buffers, n, k);
            CUdeviceptr logits = buffers.floats(n);
            CUdeviceptr probs = buffers.floats(n);
            CUdeviceptr ids = buffers.floats(k);
            CUdeviceptr weights = buffers.floats(k);
            cu().launch("router_f32", 1, 1, 1, ROUTER_THREADS, 0, dRouter, dx, null, null, null, 0f, logits, probs,
                    ids, weights, n, cols, k, 1, fromRouter.expertStart, fromRouter.pairToken, fromRouter.pairWeight,
                    fromRouter.slotPair, fromRouter.work, fromRouter.workCount);

            PairLists fromGroupPairs = PairLists.filled(buffers, n, k);
            cu().launch("group_pairs", 1, 1, 1, GROUP_THREADS, 0, ids, weights, k, k, n, 1,
                    fromGroupPairs.expertStart, fromGroupPairs.pairToken, fromGroupPairs.pairWeight,
                    fromGroupPairs.slotPair, fromGroupPairs.work, fromGroupPairs.workCount);

            int[] routed = new int[k];
            cu().download(ids, routed, k);
            int[] sorted = routed.clone();
            Arrays.sort(sorted);
            int[] work = fromRouter.ints(fromRouter.work, 2 * k);
            for (int p = 0; p < k; p++) {
                assertThat(work[2 * p]).as("work item %d's expert, in id order", p).isEqualTo(sorted[p]);
                assertThat(work[2 * p + 1]).as("work item %d's first pair", p).isEqualTo(p);
            }
            assertThat(fromRouter.ints(fromRouter.workCount, 1)).containsExactly(k);
            assertThat(fromRouter.ints(fromRouter.expertStart, n + 1))
                    .containsExactly(fromGroupPairs.ints(fromGroupPairs.expertStart, n + 1));
            assertThat(fromRouter.ints(fromRouter.pairToken, k))
                    .containsExactly(fromGroupPairs.ints(fromGroupPairs.pairToken, k));
            assertThat(fromRouter.ints(fromRouter.slotPair, k))
                    .containsExactly(fromGroupPairs.ints(fromGroupPairs.slotPair, k));
            assertThat(work).containsExactly(fromGroupPairs.ints(fromGroupPairs.work, 2 * k));
            assertThat(buffers.read(fromRouter.pairWeight, k))
                    .containsExactly(buffers.read(fromGroupPairs.pairWeight, k));
        }
    }

    private record Routed(int[] ids, float[] weights) {
    }

    private static Routed route(DeviceBuffers buffers, CUdeviceptr router, CUdeviceptr x, CUdeviceptr delta,
                                CUdeviceptr norm, CUdeviceptr normed, int tokens, int n, int cols, int k) {
        CUdeviceptr ids = buffers.floats((long) tokens * k);
        CUdeviceptr weights = buffers.floats((long) tokens * k);
        cu().launch("router_f32", tokens, 1, 1, ROUTER_THREADS, 0, router, x, delta, norm, normed, EPS,
                buffers.floats((long) tokens * n), buffers.floats((long) tokens * n), ids, weights, n, cols, k, 0,
                null, null, null, null, null, null);
        int[] routed = new int[tokens * k];
        cu().download(ids, routed, tokens * k);
        return new Routed(routed, buffers.read(weights, tokens * k));
    }

    /** group_pairs' outputs for one token's k pairs over n experts, filled with SENTINEL first. */
    private record PairLists(CUdeviceptr expertStart, CUdeviceptr pairToken,
                             CUdeviceptr pairWeight, CUdeviceptr slotPair, CUdeviceptr work, CUdeviceptr workCount) {
        static PairLists filled(DeviceBuffers buffers, int n, int k) {
            return new PairLists(buffers.of(sentinels(n + 1)), buffers.of(sentinels(k)),
                    buffers.of(sentinels(k)), buffers.of(sentinels(k)), buffers.of(sentinels(2 * k)),
                    buffers.of(sentinels(1)));
        }

        int[] ints(CUdeviceptr p, int count) {
            int[] out = new int[count];
            cu().download(p, out, count);
            return out;
        }

        private static int[] sentinels(int count) {
            int[] v = new int[count];
            Arrays.fill(v, SENTINEL);
            return v;
        }
    }
}
