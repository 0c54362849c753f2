package org.specscope.engine.session;

import org.junit.jupiter.api.Test;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.backend.cuda.CudaBackend;
import org.specscope.engine.backend.cuda.CudaTestDevice;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.trace.RecordingSink;
import org.specscope.engine.trace.RunEnd;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's way of running a generation, on the CUDA backend: the models load on one thread (the
 * app's loader), the session decodes on its own, the settings change between steps (B 32 -> 8),
 * and the tokens equal the CPU backend's under the same schedule. Skipped without a CUDA device;
 * the build's second test run drives it against the CUDA emulator.
 */
class SessionOnCudaTest {

    @Test
    void aSessionLoadedOnOneThreadAndDecodingOnAnotherEmitsTheCpusTokens() throws Exception {
        int[] onCuda = run(new CudaBackend(CudaTestDevice.usable()));
        int[] onCpu = run(new CpuBackend(2));
        assertThat(onCuda).hasSize(24).containsExactly(onCpu);
    }

    /** The generated ids; the setup owns the backend and closes it. */
    private static int[] run(Backend backend) throws Exception {
        DecodingSetup setup = CompletableFuture.supplyAsync(() -> DecodingSetup.open(backend, SampleModelDirs.TARGET,
                Optional.of(SampleModelDirs.DRAFT))).get(120, TimeUnit.SECONDS);
        try (setup; Drafter drafter = setup.newDrafter(DecodingSetup.DrafterKind.DRAFT_MODEL, 8, 24)) {
            int[] ids = setup.target().tokenizer().encode("And God said,");
            Settings settings = Settings.defaults().withTree(new TreeShape(3, 2, 6));
            RecordingSink recorder = new RecordingSink();
            GenerationSession session = new GenerationSession(setup.newDecoder(drafter, Clock.WALL, CascadeConfig.PAPER),
                    ids, 24, settings, setup.header(drafter, Clock.WALL, ids, "And God said,", settings), recorder);
            session.start(true);
            Await.until(60, () -> recorder.stepCount() >= 1);
            session.step();
            Await.until(60, () -> recorder.stepCount() >= 2);
            session.updateSettings(s -> s.withBudget(ExpertBudget.fixed(8, CoveragePolicy.SUBSTITUTE)));
            session.resume();
            RunEnd end = session.completion().get(120, TimeUnit.SECONDS);
            assertThat(recorder.steps().getLast().layers().getFirst().kept().size()).isEqualTo(8);
            return end.generatedIds().toArray();
        }
    }
}
