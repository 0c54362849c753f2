package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.model.Model;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decode steps replay one captured CUDA graph (from the second step with a cache and workspace on)
 * and compute exactly what launching their kernels one by one computes (the same kernels, arguments and order): across steps, after a new KV cache,
 * after a longer pass grows the workspace, and between tree passes, which are never captured.
 * A capture that breaks the rules fails with the driver's reason and leaves the stream usable.
 * Skipped without a CUDA device; the build's second test run drives it against the CUDA emulator
 * (see {@link CudaTestDevice}), whose graphs record launches and refuse capture-unsafe calls.
 */
class DecodeGraphTest {

    @RegisterExtension
    static final CudaBackendExtension CUDA = new CudaBackendExtension();

    static Stream<Path> models() {
        return Stream.of(SampleModelDirs.TARGET, GoldenCheckpoints.checkpoint("qwen2-moe-tiny"),
                GoldenCheckpoints.checkpoint("olmoe-tiny"), GoldenCheckpoints.checkpoint("llama-tiny"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void decodeStepsReplayTheGraphAndComputeWhatKernelByKernelLaunchesCompute(Path dir) {
        try (Model model = Model.open(dir);
             CudaModelRunner graphed = (CudaModelRunner) CUDA.backend().load(model);
             CudaModelRunner plain = withoutGraphs(model)) {
            assertThat(graphed.graphsOff()).as("why graphs are off").isNull();
            assertThat(plain.graphsOff()).contains(CudaModelRunner.GRAPHS_PROPERTY);
            int[] prompt = model.tokenizer().encode("The quick brown fox jumps over the lazy dog.");

            KvCache a = graphed.newKvCache(prompt.length + 40);
            KvCache b = plain.newKvCache(prompt.length + 40);
            int next = sameLogits(graphed.forward(prefill(prompt), a), plain.forward(prefill(prompt), b), "prefill");
            next = decodeBoth(graphed, a, plain, b, next, 5, "first cache");
            assertThat(graphed.graphLaunches()).as("every step after the first replayed the graph").isEqualTo(4);
            assertThat(plain.graphLaunches()).isZero();

            // A tree pass (not captured) between steps, then its nodes dropped.
            int[] parents = {-1, 0, 0};
            int at = a.length();
            ForwardBatch tree = new ForwardBatch(new int[]{next, prompt[1], prompt[2]}, new int[]{at, at + 1, at + 1},
                    AttentionMask.tree(parents), ForwardBatch.LogitRows.ALL);
            sameLogits(graphed.forward(tree, a), plain.forward(tree, b), "tree");
            a.truncate(at);
            b.truncate(at);
            next = decodeBoth(graphed, a, plain, b, next, 3, "after a tree pass");
            assertThat(graphed.graphLaunches()).as("the tree pass kept the graph").isEqualTo(7);

            // A longer pass grows the workspace: the graph's buffers are gone, so it is captured again.
            // The new cache is long enough for split-key attention (3 splits), whose launches the
            // graph then replays.
            KvCache c = graphed.newKvCache(600);
            KvCache d = plain.newKvCache(600);
            assertThat(CudaModelRunner.attentionSplits(1, c.capacity())).isEqualTo(3);
            int[] longer = new int[40];
            for (int i = 0; i < longer.length; i++) {
                longer[i] = prompt[i % prompt.length];
            }
            next = sameLogits(graphed.forward(prefill(longer), c), plain.forward(prefill(longer), d), "40-token prefill");
            next = decodeBoth(graphed, c, plain, d, next, 3, "a new cache and workspace");

            // Back to the first cache: captured again for it.
            decodeBoth(graphed, a, plain, b, next, 2, "the first cache again");
            assertThat(graphed.graphLaunches()).as("each new pairing's first step launched directly").isEqualTo(7 + 2 + 1);
        }
    }

    @Test
    void aCaptureThatCopiesFailsWithTheDriversReasonAndTheStreamStaysUsable() {
        CudaContext cu = CudaContext.open(CudaTestDevice.usable(), KernelImage.bundled());
        try {
            cu.bind();
            CUdeviceptr v = cu.alloc(64 * Float.BYTES, "values");
            assertThatThrownBy(() -> CudaGraph.capture(cu, () -> {
                cu.launch("clamp_values", 1, 1, 1, 64, 0, v, 64L, 1f);
                cu.upload(new float[64], v);   // a synchronous copy: not allowed during a capture
            })).hasMessageContaining("cuMemcpyHtoD");
            float[] values = new float[64];
            java.util.Arrays.fill(values, 3f);
            cu.upload(values, v);
            cu.launch("clamp_values", 1, 1, 1, 64, 0, v, 64L, 1f);
            float[] out = new float[64];
            cu.download(v, 0, out, 64);
            assertThat(out).containsOnly(1f);
            CudaContext.free(v);
        } finally {
            cu.close();
        }
    }

    private static CudaModelRunner withoutGraphs(Model model) {
        return RunnerWithProperty.load(CUDA.backend(), model, CudaModelRunner.GRAPHS_PROPERTY, "false");
    }

    private static ForwardBatch prefill(int[] ids) {
        return ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL);
    }

    /** {@code steps} greedy decode steps on both runners, comparing every step; returns the next token. */
    private static int decodeBoth(CudaModelRunner graphed, KvCache a, CudaModelRunner plain, KvCache b, int next, int steps,
                                  String when) {
        for (int s = 0; s < steps; s++) {
            ForwardBatch step = ForwardBatch.sequence(new int[]{next}, a.length(), ForwardBatch.LogitRows.LAST);
            next = sameLogits(graphed.forward(step, a), plain.forward(step, b), when + ", step " + s);
        }
        return next;
    }

    /** Asserts bit-equal logits; returns the last row's argmax. */
    private static int sameLogits(Logits graphed, Logits plain, String what) {
        assertThat(graphed.values()).as(what).containsExactly(plain.values());
        return graphed.argmax(graphed.rows() - 1);
    }
}
