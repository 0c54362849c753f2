package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.moe.TopKRouter;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The device router's warp-parallel top-k breaks ties as {@link TopKRouter} does: among experts
 * of equal probability the lower id wins, also when a tie straddles the k-th place and when tied
 * experts sit in different lanes or in the same lane's later slots (n > 32). Routers with
 * duplicated rows give exactly equal logits on both sides. Skipped without a CUDA device; the
 * build's second test run drives it against the CUDA emulator (see {@link CudaTestDevice}).
 */
class RouterTiesTest {

    static final int THREADS = 1024;   // CudaModelRunner's ROUTER_THREADS
    static final int COLS = 64;

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    /**
     * {@code groups}: experts e and e + stride * j (j < copies) share one router row, so each group
     * of copies ties; distinct rows elsewhere.
     */
    @ParameterizedTest(name = "{0} experts, top-{1}, {2} copies {3} apart, normalise {4}")
    @CsvSource({
            "8, 2, 8, 1, false",      // every expert ties: ids 0 and 1
            "64, 8, 4, 1, true",      // ties of neighbours (different lanes)
            "64, 8, 3, 32, false",    // ties of one lane's experts (slots 0 and 1 of lanes)
            "128, 8, 4, 29, true",    // ties spread over lanes and slots
            "60, 6, 5, 7, false"})    // a width that is not a multiple of 32
    void tiesGoToTheLowerIdAsOnTheCpu(int n, int k, int copies, int stride, boolean normalize) {
        SplittableRandom random = new SplittableRandom(n * 31L + k);
        float[][] rows = new float[n][];
        for (int e = 0; e < n; e++) {
            if (rows[e] != null) {
                continue;
            }
            rows[e] = gaussian(random);
            for (int j = 1; j < copies && e + stride * j < n; j++) {
                rows[e + stride * j] = rows[e];
            }
        }
        float[] x = gaussian(random);
        float[] w = new float[n * COLS];
        for (int e = 0; e < n; e++) {
            System.arraycopy(rows[e], 0, w, e * COLS, COLS);
        }

        int[] deviceIds = new int[k];
        float[] deviceWeights = new float[k];
        float[] deviceLogits = new float[n];
        route(w, x, n, k, normalize, deviceLogits, deviceIds, deviceWeights);

        float[] probs = new float[n];
        int[] ids = new int[k];
        float[] weights = new float[k];
        new TopKRouter(n, k, normalize).route(deviceLogits, 1, probs, ids, weights);   // the device's logits: ties stay exact
        assertThat(deviceIds).containsExactly(ids);
        for (int j = 0; j < k; j++) {
            assertThat(deviceWeights[j]).isCloseTo(weights[j], within(1e-6f));
        }
        for (int e = 0; e < n; e++) {
            assertThat(deviceLogits[e]).as("copies score alike").isEqualTo(deviceLogits[indexOfRow(rows, rows[e])]);
        }
    }

    private static int indexOfRow(float[][] rows, float[] row) {
        for (int e = 0; ; e++) {
            if (rows[e] == row) {
                return e;
            }
        }
    }

    private static float[] gaussian(SplittableRandom random) {
        float[] v = new float[COLS];
        for (int i = 0; i < COLS; i++) {
            v[i] = (float) ((random.nextDouble() - 0.5) * 2);
        }
        return v;
    }

    private static void route(float[] w, float[] x, int n, int k, boolean normalize, float[] logits, int[] ids,
                              float[] weights) {
        CUdeviceptr dw = cu().alloc((long) w.length * Float.BYTES, "router");
        CUdeviceptr dx = cu().alloc((long) COLS * Float.BYTES, "x");
        CUdeviceptr dLogits = cu().alloc((long) n * Float.BYTES, "logits");
        CUdeviceptr dProbs = cu().alloc((long) n * Float.BYTES, "probs");
        CUdeviceptr dIds = cu().alloc((long) k * Integer.BYTES, "ids");
        CUdeviceptr dWeights = cu().alloc((long) k * Float.BYTES, "weights");
        try {
            cu().upload(w, dw);
            cu().upload(x, dx);
            // no residual add before routing (delta null), no pair lists after it (expert_start null)
            cu().launch("router_f32", 1, 1, 1, THREADS, 0, dw, dx, null, null, null, 0f, dLogits, dProbs, dIds,
                    dWeights, n, COLS, k, normalize ? 1 : 0, null, null, null, null, null, null);
            cu().download(dLogits, 0, logits, n);
            cu().download(dIds, ids, k);
            cu().download(dWeights, 0, weights, k);
        } finally {
            for (CUdeviceptr p : new CUdeviceptr[]{dw, dx, dLogits, dProbs, dIds, dWeights}) {
                CudaContext.free(p);
            }
        }
    }
}
