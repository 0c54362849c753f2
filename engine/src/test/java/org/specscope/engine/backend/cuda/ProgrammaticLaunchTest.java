package org.specscope.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a device of compute capability 9.0 or later every kernel is launched programmatically
 * (programmatic dependent launch: its blocks may start while the previous kernel's last ones run,
 * and wait in grid_dependency_sync for its results), and every pass computes bit for bit what
 * the same kernels launched in plain stream order compute: prefill, decode steps (replayed as a
 * CUDA graph) and a budgeted tree pass, for each MoE family and a dense model. On a GPU this is
 * the race check: a kernel that read its predecessor's output before the wait would differ. On
 * the CUDA emulator, which runs kernels in order, every launch checks instead that each thread of
 * every block waited; a kernel without its wait fails its launch. A driver that cannot capture
 * programmatic launches still gets decode graphs, of plain launches. Skipped without a CUDA device.
 */
class ProgrammaticLaunchTest {

    @RegisterExtension
    static final CudaBackendExtension CUDA = new CudaBackendExtension();

    static Stream<Path> models() {
        return Stream.of(SampleModelDirs.TARGET, GoldenCheckpoints.checkpoint("olmoe-tiny"),
                GoldenCheckpoints.checkpoint("qwen2-moe-tiny"), GoldenCheckpoints.checkpoint("mixtral-tiny"),
                GoldenCheckpoints.checkpoint("llama-tiny"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void programmaticLaunchesComputeWhatPlainLaunchesCompute(Path dir) {
        CudaContext cu = CUDA.backend().context();
        assumeTrue(CudaTestDevice.usable().computeMajor() >= 9, "programmatic dependent launch needs compute 9.0");
        assertThat(cu.programmaticOff()).as("why launches are not programmatic on a compute 9.0 device").isNull();
        try (CudaBackend plainBackend = plainBackend();
             Model model = Model.open(dir);
             CudaModelRunner programmatic = (CudaModelRunner) CUDA.backend().load(model);
             CudaModelRunner plain = (CudaModelRunner) plainBackend.load(model)) {
            assertThat(plainBackend.context().programmaticOff()).contains(CudaContext.PROGRAMMATIC_PROPERTY);
            int[] prompt = model.tokenizer().encode("The quick brown fox jumps over the lazy dog, and then it ran home.");
            KvCache a = programmatic.newKvCache(prompt.length + 16);
            KvCache b = plain.newKvCache(prompt.length + 16);
            long before = cu.programmaticLaunches();

            int next = same(programmatic.forward(prefill(prompt), a), plain.forward(prefill(prompt), b), "prefill");
            for (int s = 0; s < 4; s++) {
                ForwardBatch step = ForwardBatch.sequence(new int[]{next}, a.length(), ForwardBatch.LogitRows.LAST);
                next = same(programmatic.forward(step, a), plain.forward(step, b), "decode step " + s);
            }
            assertThat(programmatic.graphLaunches()).as("decode steps replayed their graph").isPositive();

            int[] parents = {-1, 0, 0, 1, 1, 2, 3};
            ForwardBatch tree = TestTrees.fromPrompt(parents, prompt, a.length());
            if (model.config().moe().isPresent()) {
                int experts = model.config().moe().orElseThrow().numExperts();
                tree = tree.withBudget(ExpertBudget.fixed(experts / 2, CoveragePolicy.SUBSTITUTE), null);
            }
            same(programmatic.forward(tree, a), plain.forward(tree, b), "tree");

            assertThat(cu.programmaticLaunches() - before).as("programmatic launches of the passes").isPositive();
            assertThat(plainBackend.context().programmaticLaunches()).as("launches with the switch off").isZero();
        }
    }

    @Test
    void aKernelWithoutItsWaitFailsItsLaunchOnTheEmulator() throws Throwable {
        assumeTrue(CudaTestDevice.emulated(CudaTestDevice.usable()), "the check is the emulator's");
        MethodHandle skip = CudaTestDevice.emulatorHook("specscope_emulator_skip_grid_dependency_wait",
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        CudaContext cu = CUDA.backend().context();
        cu.bind();
        CUdeviceptr v = cu.alloc(64 * Float.BYTES, "values");
        try (Arena arena = Arena.ofConfined()) {
            skip.invokeExact(arena.allocateFrom("clamp_values"));
            try {
                assertThatThrownBy(() -> cu.launch("clamp_values", 1, 1, 1, 64, 0, v, 64L, 1f))
                        .hasMessageContaining("cuLaunchKernel(clamp_values)");
            } finally {
                skip.invokeExact(MemorySegment.NULL);
            }
            float[] values = new float[64];
            Arrays.fill(values, 3f);
            cu.upload(values, v);
            cu.launch("clamp_values", 1, 1, 1, 64, 0, v, 64L, 1f);
            float[] out = new float[64];
            cu.download(v, 0, out, 64);
            assertThat(out).as("launches after the failed one").containsOnly(1f);
            assertThat(cu.programmaticOff()).as("a kernel's failure is not the driver refusing the launch mode").isNull();
        } finally {
            CudaContext.free(v);
        }
    }

    /**
     * A driver that takes programmatic launches one by one but cannot capture them (the emulator,
     * asked so by a test hook): the decode graph is captured again from plain launches, steps
     * still replay it and compute what plain launches compute, and launches outside graphs stay
     * programmatic.
     */
    @Test
    void aDriverThatCannotCaptureProgrammaticLaunchesStillGetsDecodeGraphs() throws Throwable {
        assumeTrue(CudaTestDevice.emulated(CudaTestDevice.usable()), "the refusal is the emulator's test hook");
        MethodHandle refuse = CudaTestDevice.emulatorHook("specscope_emulator_refuse_programmatic_capture",
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        refuse.invokeExact(1);
        try (CudaBackend fresh = new CudaBackend(CudaTestDevice.usable());
             CudaBackend plainBackend = plainBackend();
             Model model = Model.open(GoldenCheckpoints.checkpoint("olmoe-tiny"));
             CudaModelRunner programmatic = (CudaModelRunner) fresh.load(model);
             CudaModelRunner plain = (CudaModelRunner) plainBackend.load(model)) {
            int[] prompt = model.tokenizer().encode("The quick brown fox jumps over the lazy dog.");
            KvCache a = programmatic.newKvCache(prompt.length + 8);
            KvCache b = plain.newKvCache(prompt.length + 8);
            int next = same(programmatic.forward(prefill(prompt), a), plain.forward(prefill(prompt), b), "prefill");
            for (int s = 0; s < 4; s++) {
                ForwardBatch step = ForwardBatch.sequence(new int[]{next}, a.length(), ForwardBatch.LogitRows.LAST);
                next = same(programmatic.forward(step, a), plain.forward(step, b), "decode step " + s);
            }
            assertThat(programmatic.graphsOff()).as("why graphs are off").isNull();
            assertThat(programmatic.graphLaunches()).as("steps after the first replayed the graph").isEqualTo(3);
            assertThat(fresh.context().programmaticCapturesOff()).contains("a graph of programmatic launches failed");
            assertThat(fresh.context().programmaticOff()).as("launches outside graphs").isNull();
        } finally {
            refuse.invokeExact(0);
        }
    }

    private static CudaBackend plainBackend() {
        return RunnerWithProperty.with(CudaContext.PROGRAMMATIC_PROPERTY, "false",
                () -> new CudaBackend(CudaTestDevice.usable()));
    }

    private static ForwardBatch prefill(int[] ids) {
        return ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL);
    }

    /** Asserts bit-equal logits; returns the last row's argmax. */
    private static int same(Logits programmatic, Logits plain, String what) {
        assertThat(programmatic.values()).as(what).containsExactly(plain.values());
        return programmatic.argmax(programmatic.rows() - 1);
    }
}
