package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KernelProfile;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-token passes over BF16 weights whose shapes are multiples of 16 (prefill, budgeted tree
 * verification) multiply on tensor cores, and compute what the FP32-accumulating warp-per-row
 * kernels compute, to float32 accuracy; decode steps and other dtypes keep their kernels, and
 * -Dspecscope.cuda.tensorCores=false turns the tensor cores off. Which kernels ran is read from
 * the kernel profile (events around every launch). Skipped without a CUDA device; the build's
 * second test run drives it against the CUDA emulator.
 */
class TensorCorePassesTest {

    /** |tensor cores - FP32 kernels| <= TOLERANCE * max(1, max |logit|) per row. */
    static final double TOLERANCE = 1e-4;
    static final List<String> MMA_KERNELS = List.of("matmul3_mma_bf16", "matmul_mma_bf16", "expert_gate_up_mma_bf16",
            "expert_matmul_mma_bf16");

    @RegisterExtension
    static final CudaBackendExtension CUDA = new CudaBackendExtension();

    static Stream<Path> bf16MoeModels() {
        return Stream.of(SampleModelDirs.TARGET, GoldenCheckpoints.checkpoint("mixtral-tiny"),
                GoldenCheckpoints.checkpoint("qwen3-moe-tiny"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bf16MoeModels")
    void prefillAndBudgetedTreePassesRunOnTensorCoresAndMatchTheFp32Kernels(Path dir) {
        try (Model model = Model.open(dir);
             CudaModelRunner mma = (CudaModelRunner) CUDA.backend().load(model);
             CudaModelRunner fp32 = RunnerWithProperty.load(CUDA.backend(), model, CudaModelRunner.TENSOR_CORES_PROPERTY, "false")) {
            int[] prompt = model.tokenizer().encode("The quick brown fox jumps over the lazy dog, and then it ran home.");
            KvCache a = mma.newKvCache(prompt.length + 16);
            KvCache b = fp32.newKvCache(prompt.length + 16);
            ForwardBatch prefill = ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.ALL);

            Profiled onTensorCores = profiled(mma, prefill, a);
            Profiled onFp32 = profiled(fp32, prefill, b);
            close(onTensorCores.logits(), onFp32.logits(), "prefill");
            assertThat(onTensorCores.kernels()).as("the prefill's kernels").containsAll(MMA_KERNELS)
                    .noneMatch(k -> k.endsWith("_t16_bf16"));
            assertThat(onFp32.kernels()).as("with tensor cores off").noneMatch(k -> k.endsWith("_mma_bf16"));
            assertThat(onFp32.launches("_t16_bf16")).as("one MMA launch for each warp-per-row launch it replaces")
                    .isEqualTo(onTensorCores.launches("_mma_bf16"));

            // A budgeted tree of 7 nodes (half the experts, substitution): the pass of MoE-Spec's verification.
            int[] parents = {-1, 0, 0, 1, 1, 2, 3};
            int at = a.length();
            int experts = model.config().moe().orElseThrow().numExperts();
            ForwardBatch tree = TestTrees.fromPrompt(parents, prompt, at)
                    .withBudget(ExpertBudget.fixed(experts / 2, CoveragePolicy.SUBSTITUTE), null);
            Profiled treeOnTensorCores = profiled(mma, tree, a);
            close(treeOnTensorCores.logits(), fp32.forward(tree, b), "budgeted tree");
            assertThat(treeOnTensorCores.kernels()).contains("expert_budget", "expert_gate_up_mma_bf16",
                    "expert_matmul_mma_bf16");
            a.truncate(at);
            b.truncate(at);

            // A decode step reads each weight once for one token: the one-token kernels, not tensor cores.
            ForwardBatch step = ForwardBatch.sequence(new int[]{prompt[0]}, at, ForwardBatch.LogitRows.LAST);
            Profiled decode = profiled(mma, step, a);
            close(decode.logits(), fp32.forward(step, b), "decode step");
            assertThat(decode.kernels()).noneMatch(k -> k.endsWith("_mma_bf16")).anyMatch(k -> k.contains("_t1_"));
        }
    }

    @Test
    void otherDtypesKeepTheirKernels() {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint("olmoe-tiny"));   // float32 weights
             CudaModelRunner runner = (CudaModelRunner) CUDA.backend().load(model)) {
            int[] prompt = model.tokenizer().encode("The quick brown fox jumps over the lazy dog.");
            KvCache cache = runner.newKvCache(prompt.length);
            Profiled prefill = profiled(runner, ForwardBatch.sequence(prompt, 0, ForwardBatch.LogitRows.ALL), cache);
            assertThat(prefill.kernels()).noneMatch(k -> k.endsWith("_mma_bf16")).contains("matmul_t16_f32");
        }
    }

    /** A pass's logits and the kernels it launched. */
    private record Profiled(Logits logits, KernelProfile profile) {
        List<String> kernels() {
            return profile.kernels().stream().map(KernelProfile.KernelTime::kernel).toList();
        }

        int launches(String kernelSuffix) {
            return profile.kernels().stream().filter(k -> k.kernel().endsWith(kernelSuffix))
                    .mapToInt(KernelProfile.KernelTime::launches).sum();
        }
    }

    private static Profiled profiled(CudaModelRunner runner, ForwardBatch batch, KvCache cache) {
        AtomicReference<Logits> logits = new AtomicReference<>();
        KernelProfile profile = CUDA.backend().profileKernels(() -> logits.set(runner.forward(batch, cache)), 1).orElseThrow();
        return new Profiled(logits.get(), profile);
    }

    /** Asserts the same top-1 per row and logits within TOLERANCE of the row's scale. */
    private static void close(Logits tensorCores, Logits fp32, String what) {
        CudaParityTest.compare(what + " (tensor cores against the FP32 kernels)", fp32, tensorCores, TOLERANCE);
    }
}
