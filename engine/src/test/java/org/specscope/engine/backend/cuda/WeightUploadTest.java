package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.OutOfDeviceMemoryException;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.model.CancelAfterStep;
import org.specscope.engine.model.LoadCancelledException;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.LoadStep;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A model's weights go to the device once, at load, and the load says how far it is: bytes
 * copied at each hundredth, up to the whole. A cancelled upload stops at its next hundredth and
 * frees what it had copied; so does one that runs out of device memory, after which the automatic
 * backend choice runs the model on the CPU and says why.
 */
class WeightUploadTest {

    @RegisterExtension
    static final CudaBackendExtension CUDA = new CudaBackendExtension();

    private static final String MESSAGE = "uploading the weights of specscope-moe-mini to the GPU: ";

    @Test
    void theUploadReportsTheBytesCopiedAtEachHundredthUpToTheWhole() {
        List<LoadStep> steps = new ArrayList<>();
        try (Model model = Model.open(SampleModelDirs.TARGET);
             ModelRunner runner = CUDA.backend().load(model, LoadMonitor.of(steps::add, () -> false))) {
            long total = model.weights().byteSize();
            assertThat(steps).allSatisfy(s -> {
                assertThat(s.message()).startsWith(MESSAGE);
                assertThat(s.total()).isEqualTo(total);
            });
            assertThat(steps.getFirst().done()).isZero();
            assertThat(steps.getLast().done()).isEqualTo(total);
            assertThat(steps.getLast().message()).isEqualTo(MESSAGE + gib(total) + " of " + gib(total));
            assertThat(steps).hasSizeBetween(20, 102);
            for (int i = 1; i < steps.size(); i++) {
                assertThat(steps.get(i).done()).as("step %d", i).isGreaterThan(steps.get(i - 1).done());
                assertThat(100 * steps.get(i).done() / total).as("a hundredth reported once, step %d", i)
                        .isGreaterThan(100 * steps.get(i - 1).done() / total);
            }
            assertThat(lastLogits(runner)).hasSize(model.config().vocabSize());
        }
    }

    @Test
    void aCancelledUploadStopsAndFreesWhatItHadCopied() {
        long freeBefore = CUDA.backend().context().freeBytes();
        CancelAfterStep cancel = new CancelAfterStep(10, SampleModelDirs.TARGET);
        try (Model model = Model.open(SampleModelDirs.TARGET)) {
            assertThatThrownBy(() -> CUDA.backend().load(model, cancel.monitor))
                    .isInstanceOf(LoadCancelledException.class)
                    .hasMessageContaining(MESSAGE);
        }
        assertThat(cancel.seen).hasSize(10);
        assertThat(CUDA.backend().context().freeBytes()).as("device memory after the cancel").isEqualTo(freeBefore);
    }

    /**
     * The emulator's allocation room plays another process taking the device's memory after the
     * footprint check read it: the check passes, the upload runs out midway.
     */
    @Test
    void anUploadThatRunsOutOfDeviceMemoryFreesItsCopyAndAutoRunsTheModelOnTheCpu() throws Throwable {
        assumeTrue(CudaTestDevice.emulated(CudaTestDevice.usable()), "the emulator plays the other process");
        MethodHandle room = CudaTestDevice.emulatorHook("specscope_emulator_allocation_room",
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
        long freeBefore = CUDA.backend().context().freeBytes();
        // The automatic choice's own device backend starts before the memory goes.
        try (Model model = Model.open(SampleModelDirs.TARGET); Backend auto = BackendChoice.AUTO.open(1)) {
            room.invokeExact(4L << 20);
            assertThat(CUDA.backend().cannotLoad(model)).as("the footprint check still sees the memory").isEmpty();
            assertThatThrownBy(() -> CUDA.backend().load(model)).isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageStartingWith("out of GPU memory allocating ");
            assertThat(CUDA.backend().context().freeBytes()).as("device memory after the failed upload")
                    .isEqualTo(freeBefore);

            assertThat(auto.name()).isEqualTo("cuda");
            try (ModelRunner runner = auto.load(model); CpuBackend cpu = new CpuBackend(1);
                 ModelRunner reference = cpu.load(model)) {
                assertThat(auto.name()).isEqualTo("cpu");
                assertThat(auto.description()).startsWith("CPU, 1 thread, ")
                        .contains("(CUDA unavailable: out of GPU memory allocating ");
                // Equal up to the Vector API's summation order, which differs before and after JIT compilation.
                assertThat(lastLogits(runner)).containsExactly(lastLogits(reference), within(1e-4f));
            }
        } finally {
            room.invokeExact(-1L);
        }
    }

    private static float[] lastLogits(ModelRunner runner) {
        return runner.forward(ForwardBatch.sequence(new int[]{1, 2}, 0, ForwardBatch.LogitRows.LAST),
                runner.newKvCache(4), MoeProbe.NONE).lastRow();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
