package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ExpertBudgeter;
import org.specscope.engine.moe.TopKRouter;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expert_budget kernel decides exactly what {@link ExpertBudgeter} decides, bit for bit: the
 * scores, the kept set, and each token's experts and weights, for both selection policies, both
 * coverage policies, with and without renormalisation and token weights, for passes wider than a
 * block's 32 warps, and where probabilities and scores tie (pairs of experts with equal logits in
 * every token: ties go to the lower id, in the kept set and in a token's substitutes). Skipped
 * without a CUDA device; the build's second test run drives it against the CUDA emulator.
 */
class ExpertBudgetKernelTest {

    static final int THREADS = 1024;   // CudaModelRunner's BUDGET_THREADS

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @ParameterizedTest(name = "{0} tokens, {1} experts, top-{2}, {3}, {4}, normalise {5}, token weights {6}, ties {7}")
    @CsvSource({
            "64, 64, 8, fixed:32, SUBSTITUTE, false, false, false",
            "64, 64, 8, fixed:32, TRUNCATE, false, false, true",
            "63, 64, 8, fixed:20, SUBSTITUTE, true, true, true",
            "17, 128, 8, coverage:0.7, TRUNCATE, true, true, false",
            "70, 60, 6, coverage:0.5, SUBSTITUTE, false, true, true",
            "5, 8, 2, fixed:3, SUBSTITUTE, true, false, true",
            "9, 40, 40, fixed:40, SUBSTITUTE, true, false, false",
            "33, 96, 36, coverage:0.9, TRUNCATE, true, false, true"})
    void decidesAsTheCpuDoes(int tokens, int n, int k, String selection, CoveragePolicy coverage, boolean normalize,
                             boolean withTokenWeights, boolean ties) {
        SplittableRandom random = new SplittableRandom(tokens * 7919L + n * 31L + k);
        float[] logits = new float[tokens * n];
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < n; e++) {
                // quantised logits tie often; experts 2m and 2m + 1 (m < n / 4) tie in every token
                logits[t * n + e] = ties && e % 2 == 1 && e < n / 2 ? logits[t * n + e - 1]
                        : ties ? Math.round(random.nextGaussian() * 2) / 2f : (float) random.nextGaussian();
            }
        }
        float[] probs = new float[tokens * n];
        int[] naturalIds = new int[tokens * k];
        float[] naturalWeights = new float[tokens * k];
        new TopKRouter(n, k, normalize).route(logits, tokens, probs, naturalIds, naturalWeights);
        float[] tokenWeights = null;
        if (withTokenWeights) {
            tokenWeights = new float[tokens];
            for (int t = 0; t < tokens; t++) {
                tokenWeights[t] = (float) Math.pow(0.7, t % 5) * (float) random.nextDouble(0.2, 1);
            }
        }
        String[] policy = selection.split(":");
        ExpertBudget budget = policy[0].equals("fixed")
                ? ExpertBudget.fixed(Integer.parseInt(policy[1]), coverage)
                : ExpertBudget.coverage(Double.parseDouble(policy[1]), coverage);
        ExpertBudgeter.Decision expected = ExpertBudgeter.apply(budget, tokens, n, k, probs, naturalIds,
                naturalWeights, tokenWeights, normalize);

        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr scores = buffers.floats(n);
            CUdeviceptr kept = buffers.floats(n);
            CUdeviceptr usedIds = buffers.floats((long) tokens * k);
            CUdeviceptr usedWeights = buffers.floats((long) tokens * k);
            int fixed = policy[0].equals("fixed") ? Integer.parseInt(policy[1]) : 0;
            double tau = policy[0].equals("coverage") ? Double.parseDouble(policy[1]) : 1.0;
            cu().launch("expert_budget", 1, 1, 1, THREADS, 3 * n * Float.BYTES, buffers.of(probs),
                    buffers.of(naturalIds), tokenWeights == null ? null : buffers.of(tokenWeights), tokens, n, k,
                    fixed, tau, coverage == CoveragePolicy.SUBSTITUTE ? 1 : 0, normalize ? 1 : 0, scores, kept,
                    usedIds, usedWeights);

            assertThat(buffers.read(scores, n)).containsExactly(expected.scores());
            int[] keptFlags = new int[n];
            cu().download(kept, keptFlags, n);
            for (int e = 0; e < n; e++) {
                assertThat(keptFlags[e] != 0).as("expert %d kept", e).isEqualTo(expected.kept()[e]);
            }
            int[] ids = new int[tokens * k];
            cu().download(usedIds, ids, tokens * k);
            assertThat(ids).containsExactly(expected.usedIds());
            assertThat(buffers.read(usedWeights, tokens * k)).containsExactly(expected.usedWeights());
        }
    }
}
