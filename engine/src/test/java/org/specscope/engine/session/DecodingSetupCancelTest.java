package org.specscope.engine.session;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.MappedFiles;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ForwardingRunner;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.model.CancelAfterStep;
import org.specscope.engine.model.LoadCancelledException;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.LoadStep;
import org.specscope.engine.model.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a target and its draft with a {@link LoadMonitor}: the draft's steps follow the
 * target's, labelled, up to "ready"; a cancellation at any step closes both models, every runner
 * already made and the backend, so nothing stays mapped or running.
 */
class DecodingSetupCancelTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;

    @TempDir
    static Path tmp;
    static Path target;
    static Path draft;

    /** Copies of the sample models, so that no other test's open model shows among the mapped files. */
    @BeforeAll
    static void copySamples() throws IOException {
        target = copy(SAMPLES.resolve("specscope-moe-mini"), tmp.resolve("target"));
        draft = copy(SAMPLES.resolve("specscope-moe-mini-draft"), tmp.resolve("draft"));
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** A CPU backend that counts what is closed: itself and each runner it made. */
    static final class CountingBackend implements Backend {
        private final CpuBackend cpu = new CpuBackend(1);
        int closed;
        int runnersMade;
        int runnersClosed;

        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public String description() {
            return cpu.description();
        }

        @Override
        public ModelRunner load(Model model, LoadMonitor monitor) {
            ModelRunner runner = cpu.load(model, monitor);
            runnersMade++;
            return new ForwardingRunner(runner) {
                @Override
                public void close() {
                    runnersClosed++;
                    super.close();
                }
            };
        }

        @Override
        public void close() {
            closed++;
            cpu.close();
        }
    }

    private static List<LoadStep> fullOpen() {
        List<LoadStep> steps = new ArrayList<>();
        CountingBackend backend = new CountingBackend();
        try (DecodingSetup setup = DecodingSetup.open(backend, target, Optional.of(draft),
                LoadMonitor.of(steps::add, () -> false))) {
            assertThat(setup.draft()).isPresent();
        }
        assertThat(backend.closed).isEqualTo(1);
        return steps;
    }

    @Test
    void theDraftsStepsFollowTheTargetsAndTheOpenEndsReady() {
        List<String> messages = fullOpen().stream().map(LoadStep::message).toList();

        assertThat(messages.getFirst()).isEqualTo("reading the config of target");
        int draftStart = messages.indexOf("draft: reading the config of draft");
        assertThat(draftStart).isPositive();
        assertThat(messages.subList(0, draftStart)).noneMatch(m -> m.startsWith("draft: "))
                .contains("loading the tokenizer of target", "mapping model.safetensors");
        assertThat(messages.subList(draftStart, draftStart + 3)).containsExactly("draft: reading the config of draft",
                "draft: loading the tokenizer of draft", "draft: mapping model.safetensors");
        assertThat(messages.subList(messages.size() - 3, messages.size())).containsExactly(
                "preparing the model for cpu", "preparing the draft model for cpu", "ready");
    }

    @Test
    void cancellingAtAnyStepClosesBothModelsTheRunnersAndTheBackend() {
        MappedFiles.assumeAvailable();
        int count = fullOpen().size();
        boolean sawOpenWork = false;
        for (int cancelAfter = 1; cancelAfter < count; cancelAfter++) {
            int n = cancelAfter;
            CountingBackend backend = new CountingBackend();
            CancelAfterStep cancel = new CancelAfterStep(n, tmp);

            assertThatThrownBy(() -> DecodingSetup.open(backend, target, Optional.of(draft), cancel.monitor).close())
                    .as("cancelled after step %d of %d", n, count).isInstanceOf(LoadCancelledException.class);
            String at = cancel.seen.getLast().message();
            assertThat(cancel.seen).as("nothing reported after the cancellation").hasSize(n);
            assertThat(MappedFiles.under(tmp)).as("files mapped after cancelling at %s", at).isEmpty();
            assertThat(backend.closed).as("backend closes after cancelling at %s", at).isEqualTo(1);
            assertThat(backend.runnersClosed).as("runners closed after cancelling at %s", at)
                    .isEqualTo(backend.runnersMade);
            sawOpenWork |= !cancel.mappedWhenCancelled.isEmpty() && backend.runnersMade > 0;
        }
        assertThat(sawOpenWork).as("some cancellations came after files were mapped and runners made").isTrue();
    }
}
