package org.specscope.engine.session;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.trace.RecordingSink;
import org.specscope.engine.trace.RunEnd;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceSink;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A generation on its own thread: live settings, pause, single steps, resume and cancel. */
class GenerationSessionTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;

    private static DecodingSetup setup;

    @BeforeAll
    static void open() {
        setup = DecodingSetup.open(new CpuBackend(2), SAMPLES.resolve("specscope-moe-mini"),
                Optional.of(SAMPLES.resolve("specscope-moe-mini-draft")));
    }

    @AfterAll
    static void close() {
        setup.close();
    }

    private static GenerationSession session(int maxTokens, Settings settings, TraceSink recorder, Drafter drafter) {
        int[] ids = setup.target().tokenizer().encode("And God said,");
        return new GenerationSession(setup.newDecoder(drafter, Clock.WALL, CascadeConfig.PAPER), ids, maxTokens,
                settings, setup.header(drafter, Clock.WALL, ids, "And God said,", settings), recorder);
    }

    @Test
    void aPausedSessionAdvancesOneStepPerRequestAndAppliesNewSettingsAtTheNextStep() throws Exception {
        RecordingSink recorder = new RecordingSink();
        Settings initial = Settings.defaults().withTree(new TreeShape(3, 2, 6));
        try (Drafter drafter = setup.newDrafter(DecodingSetup.DrafterKind.DRAFT_MODEL, 8, 60)) {
            GenerationSession session = session(60, initial, recorder, drafter);
            session.start(true);
            Await.until(30, () -> session.state() == GenerationSession.State.PAUSED);
            assertThat(recorder.header()).isNotNull();
            assertThat(recorder.stepCount()).isEqualTo(1);   // the prefill only

            session.step();
            Await.until(30, () -> recorder.stepCount() == 2
                    && session.state() == GenerationSession.State.PAUSED);
            assertThat(recorder.steps().get(1).layers().getFirst().kept().size()).isEqualTo(32);

            session.updateSettings(s -> s.withBudget(ExpertBudget.fixed(8, CoveragePolicy.SUBSTITUTE)));
            session.step();
            Await.until(30, () -> recorder.stepCount() == 3);
            StepTrace third = recorder.steps().get(2);
            assertThat(third.layers().getFirst().kept().size()).isEqualTo(8);
            assertThat(third.settings().budget()).isEqualTo(ExpertBudget.fixed(8, CoveragePolicy.SUBSTITUTE));

            session.resume();
            RunEnd end = session.completion().get(60, TimeUnit.SECONDS);
            assertThat(end.generatedIds().size()).isEqualTo(60);
            assertThat(session.state()).isEqualTo(GenerationSession.State.FINISHED);
            assertThat(recorder.end()).isEqualTo(end);
        }
    }

    @Test
    void cancellingEndsTheRunAtTheNextStepBoundaryWithAnEndRecord() throws Exception {
        RecordingSink recorder = new RecordingSink();
        try (Drafter drafter = setup.newDrafter(DecodingSetup.DrafterKind.DRAFT_MODEL, 8, 500)) {
            GenerationSession session = session(500, Settings.defaults(), recorder, drafter);
            session.start(true);
            Await.until(30, () -> session.state() == GenerationSession.State.PAUSED);
            session.cancel();
            RunEnd end = session.completion().get(30, TimeUnit.SECONDS);
            assertThat(end.stopReason()).isEqualTo("CANCELLED");
            assertThat(session.state()).isEqualTo(GenerationSession.State.CANCELLED);
            assertThat(recorder.end()).isEqualTo(end);
        }
    }

    /**
     * Stop pressed while the prefill runs (here: requested as the header arrives, just before it)
     * ends the run as soon as that one forward pass is over: the prefill is the only step. The
     * pass itself is not interrupted midway.
     */
    @Test
    void cancellingDuringThePrefillEndsTheRunRightAfterIt() throws Exception {
        RecordingSink recorder = new RecordingSink();
        AtomicReference<GenerationSession> running = new AtomicReference<>();
        TraceSink cancelsAtTheHeader = new TraceSink() {
            @Override
            public void onHeader(RunHeader header) {
                recorder.onHeader(header);
                running.get().cancel();
            }

            @Override
            public void onStep(StepTrace step) {
                recorder.onStep(step);
            }

            @Override
            public void onEnd(RunEnd end) {
                recorder.onEnd(end);
            }
        };
        try (Drafter drafter = setup.newDrafter(DecodingSetup.DrafterKind.DRAFT_MODEL, 8, 500)) {
            GenerationSession session = session(500, Settings.defaults(), cancelsAtTheHeader, drafter);
            running.set(session);
            session.start(false);
            RunEnd end = session.completion().get(30, TimeUnit.SECONDS);
            assertThat(end.stopReason()).isEqualTo("CANCELLED");
            assertThat(recorder.stepCount()).as("the prefill only").isEqualTo(1);
            assertThat(session.state()).isEqualTo(GenerationSession.State.CANCELLED);
        }
    }

    @Test
    void aFailingStepFailsTheCompletionWithItsCauseAndLeavesTheSessionFailed() throws Exception {
        RecordingSink recorder = new RecordingSink();
        Drafter broken = new Drafter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public org.specscope.engine.spec.DraftTree draft(int[] context, TreeShape shape,
                                                             org.specscope.engine.generate.SamplingParams sampling,
                                                             java.util.SplittableRandom random) {
                throw new IllegalStateException("the drafter ran out of memory");
            }
        };
        GenerationSession session = session(20, Settings.defaults(), recorder, broken);
        session.start(false);
        Await.until(30, () -> session.completion().isDone());
        assertThat(session.completion()).isCompletedExceptionally();
        assertThat(session.state()).isEqualTo(GenerationSession.State.FAILED);
        assertThat(session.completion().exceptionNow()).hasMessageContaining("ran out of memory");
    }
}
