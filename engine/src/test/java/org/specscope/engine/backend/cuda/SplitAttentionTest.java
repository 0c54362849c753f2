package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KernelProfile;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.model.Model;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Split-key attention (attention_split, then attention_combine) computes what one block per head
 * computes, for any number of splits, including more splits than slots (empty splits): under a
 * causal mask, a tree mask after cached nodes, a sliding window, grouped-query heads and heads
 * wider than the block. Decode steps and short trees over a long cache use it, and give the
 * logits of a short cache's unsplit attention. Skipped without a CUDA device; the build's second test run drives
 * it against the CUDA emulator.
 */
class SplitAttentionTest {

    static final int ATT_THREADS = 128;
    /** |split - unsplit| <= TOLERANCE * max |v| per output. */
    static final double TOLERANCE = 2e-6;

    @RegisterExtension
    static final CudaContextExtension DEVICE = new CudaContextExtension();

    private static CudaContext cu() {
        return DEVICE.context();
    }

    @ParameterizedTest(name = "{0} tokens after slot {1}, {2} cached nodes, heads {3}/{4} x {5}, window {6}, {7} splits")
    @CsvSource({
            "1, 300, 0, 4, 2, 64, 0, 2",      // a decode step, causal
            "1, 300, 0, 4, 2, 64, 0, 7",      // splits that do not divide the slots
            "1, 3, 0, 2, 2, 32, 0, 32",       // more splits than slots: most are empty
            "1, 500, 0, 2, 1, 160, 0, 5",     // a head wider than the block (ATT_MAX_DIMS > 1)
            "1, 400, 0, 4, 4, 64, 100, 6",    // a sliding window hides the older slots: early splits see nothing
            "5, 200, 2, 4, 2, 64, 0, 3"})     // a tree of 5 nodes after 2 cached ones (a mask)
    void splitAttentionComputesWhatOneBlockPerHeadComputes(int tokens, int start, int cachedNodes, int heads,
                                                           int kvHeads, int headDim, int window, int splits) {
        SplittableRandom random = new SplittableRandom(start * 31L + splits);
        int slots = start + tokens;
        int qd = heads * headDim;
        int kvd = kvHeads * headDim;
        float[] q = DeviceBuffers.gaussian(tokens * qd, random);
        float[] keys = DeviceBuffers.gaussian(slots * kvd, random);
        float[] values = DeviceBuffers.gaussian(slots * kvd, random);
        int[] parents = {-1, 0, 0, 1, 2};   // the tree case: nodes 1 and 2 under 0, then one under each
        int[] positions = new int[slots];
        for (int s = 0; s < slots; s++) {
            positions[s] = s;
        }
        boolean causal = cachedNodes == 0;
        byte[] mask = new byte[Math.max(1, tokens * (cachedNodes + tokens))];
        if (!causal) {
            int cols = cachedNodes + tokens;
            for (int t = 0; t < tokens; t++) {
                int depth = 0;
                for (int a = t; a >= 0; a = parents[a]) {
                    mask[t * cols + cachedNodes + a] = 1;   // the node and its ancestors
                    depth++;
                }
                mask[t * cols] = (byte) (t % 2);   // every other node also sees the first cached node
                positions[start + t] = start + depth - 1;
            }
        }
        float scale = (float) (1 / Math.sqrt(headDim));

        try (DeviceBuffers buffers = new DeviceBuffers(cu())) {
            CUdeviceptr dq = buffers.of(q);
            CUdeviceptr dk = buffers.of(keys);
            CUdeviceptr dv = buffers.of(values);
            CUdeviceptr dPositions = buffers.of(positions);
            CUdeviceptr dMask = buffers.of(mask);
            CUdeviceptr dStep = buffers.of(new int[]{start});
            CUdeviceptr whole = buffers.floats(tokens * qd);
            CUdeviceptr split = buffers.floats(tokens * qd);
            CUdeviceptr maxSum = buffers.floats((long) tokens * heads * splits * 2);
            CUdeviceptr parts = buffers.floats((long) tokens * qd * splits);
            int shared = (headDim + ATT_THREADS) * Float.BYTES;
            cu().launch("attention", tokens * heads, 1, 1, ATT_THREADS, shared, dq, dk, dv, dPositions, dMask,
                    causal ? 1 : 0, dStep, tokens, cachedNodes, heads, kvHeads, headDim, window, scale, whole);
            cu().launch("attention_split", tokens * heads, splits, 1, ATT_THREADS, shared, dq, dk, dv, dPositions,
                    dMask, causal ? 1 : 0, dStep, tokens, cachedNodes, heads, kvHeads, headDim, window, scale, maxSum,
                    parts);
            cu().launch("attention_combine", tokens * heads, 1, 1, ATT_THREADS, 0, maxSum, parts, splits, heads, headDim,
                    split);
            float[] expected = buffers.read(whole, tokens * qd);
            float[] actual = buffers.read(split, tokens * qd);
            double largest = 0;
            for (float v : values) {
                largest = Math.max(largest, Math.abs(v));
            }
            for (int i = 0; i < expected.length; i++) {
                assertThat(Double.isFinite(actual[i])).as("output %d is finite", i).isTrue();
                assertThat((double) Math.abs(actual[i] - expected[i])).as("output %d: %s vs %s", i, actual[i], expected[i])
                        .isLessThanOrEqualTo(TOLERANCE * largest);
            }
        }
    }

    @Test
    void shortPassesSplitTheKeysOfLongCachesOnly() {
        assertThat(CudaModelRunner.attentionSplits(1, 40)).isEqualTo(1);
        assertThat(CudaModelRunner.attentionSplits(1, 256)).isEqualTo(1);
        assertThat(CudaModelRunner.attentionSplits(1, 257)).isEqualTo(2);
        assertThat(CudaModelRunner.attentionSplits(1, 4096)).isEqualTo(16);
        assertThat(CudaModelRunner.attentionSplits(1, 1 << 20)).as("at most 32").isEqualTo(32);
        assertThat(CudaModelRunner.attentionSplits(5, 4096)).as("a short chain: tokens x splits <= 32").isEqualTo(6);
        assertThat(CudaModelRunner.attentionSplits(5, 600)).isEqualTo(3);
        assertThat(CudaModelRunner.attentionSplits(16, 4096)).isEqualTo(2);
        assertThat(CudaModelRunner.attentionSplits(17, 4096)).as("a 17-token pass fills the GPU by itself").isEqualTo(1);
        assertThat(CudaModelRunner.attentionSplits(64, 4096)).isEqualTo(1);
    }

    /** The sample model decoding over a 1,100-slot cache (5 splits) gives the logits of a 100-slot one (no split). */
    @Test
    void decodeOverALongCacheGivesTheLogitsOfAShortOne() {
        try (CudaBackend cuda = new CudaBackend(CudaTestDevice.usable());
             Model model = Model.open(SampleModelDirs.TARGET);
             CudaModelRunner runner = (CudaModelRunner) cuda.load(model)) {
            int[] prompt = model.tokenizer().encode("Once upon a time there was a small model that ran on a big GPU.");
            KvCache shortCache = runner.newKvCache(100);
            KvCache longCache = runner.newKvCache(1100);
            ForwardBatch prefill = ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.LAST);
            runner.forward(prefill, shortCache);
            runner.forward(prefill, longCache);
            int next = prompt[prompt.length - 1];
            for (int step = 0; step < 4; step++) {
                ForwardBatch decode = ForwardBatch.sequence(new int[]{next}, shortCache.length(), ForwardBatch.LogitRows.LAST);
                Logits unsplit = runner.forward(decode, shortCache);
                AtomicReference<Logits> split = new AtomicReference<>();
                KernelProfile profile = cuda.profileKernels(() -> split.set(runner.forward(decode, longCache)), 1)
                        .orElseThrow();
                assertThat(profile.kernels()).extracting(KernelProfile.KernelTime::kernel)
                        .contains("attention_split", "attention_combine").doesNotContain("attention");
                CudaParityTest.compare("decode step " + step + " over 1,100 slots against 100", unsplit, split.get(), 1e-5);
                next = unsplit.argmax(0);
            }
            // A 5-node tree (6 splits over 1,100 slots), its mask applied in every split.
            int at = shortCache.length();
            int[] parents = {-1, 0, 0, 1, 2};
            int[] tokens = {next, prompt[1], prompt[2], prompt[3], prompt[4]};
            int[] positions = {at, at + 1, at + 1, at + 2, at + 2};
            ForwardBatch tree = new ForwardBatch(tokens, positions, AttentionMask.tree(parents), ForwardBatch.LogitRows.ALL);
            Logits unsplit = runner.forward(tree, shortCache);
            AtomicReference<Logits> split = new AtomicReference<>();
            KernelProfile profile = cuda.profileKernels(() -> split.set(runner.forward(tree, longCache)), 1).orElseThrow();
            assertThat(profile.kernels()).extracting(KernelProfile.KernelTime::kernel).contains("attention_split");
            CudaParityTest.compare("a 5-node tree over 1,100 slots against 100", unsplit, split.get(), 1e-5);
        }
    }
}
