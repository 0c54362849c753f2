package org.specscope.app;

import javafx.concurrent.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.session.DecodingSetup;
import org.testfx.api.FxToolkit;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A load that ends just as a newer one begins (its end was already on its way to the JavaFX
 * thread) changes nothing: a model it opened is closed unseen, a failure is only reported, and the
 * newer load decides what is loaded and where. The race is made certain by holding the JavaFX
 * thread until the first load's work is done, then beginning the second in the same event.
 */
class SupersededLoadTest {

    private RunViewModel vm;
    private ModelEntry sample;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() {
        if (vm != null) {
            Fx.run(vm::close);
        }
    }

    private void open(Function<BackendChoice, Backend> backends) {
        sample = ModelCatalog.bundled(Fx.home().resolve("sample-models")).getFirst();
        vm = Fx.call(() -> new RunViewModel(new SettingsViewModel(), List.of(new RecordingView("recording")),
                new Backends(backends, () -> CudaAvailability.unavailable("no CUDA device"))));
    }

    /** Begins a load and, in the same JavaFX event once its work is done, {@code then}. */
    private void loadThen(Runnable then) {
        Fx.run(() -> {
            Task<DecodingSetup> first = vm.load(sample);
            while (!first.isDone()) {
                Thread.onSpinWait();
            }
            then.run();
        });
    }

    private long consoleLines(String containing) {
        return Fx.call(() -> vm.console().stream().filter(l -> l.contains(containing)).count());
    }

    @Test
    void aModelOpenedByALoadThatWasReplacedIsClosedUnseen() {
        GatedBackend first = GatedBackend.open();
        GatedBackend second = GatedBackend.open();
        Queue<GatedBackend> backends = new ConcurrentLinkedQueue<>(List.of(first, second));
        open(choice -> backends.poll());

        loadThen(() -> vm.load(sample));

        Fx.waitUntil(60, "the newer load is in", () -> vm.phaseProperty().get() == Phase.READY);
        Fx.waitUntil(30, "the replaced load's model is closed", () -> first.closes.get() == 1);
        assertThat(consoleLines("loaded " + sample.name())).as("models shown").isEqualTo(1);
        assertThat(second.closes.get()).isZero();
        assertThat(consoleLines("ERROR")).isZero();
    }

    @Test
    void aFailureOfALoadThatWasReplacedIsReportedAndChangesNothing() {
        open(choice -> {
            if (choice == BackendChoice.CUDA) {
                throw new IllegalStateException("CUDA is unavailable: no CUDA device");
            }
            return GatedBackend.open();
        });
        Fx.run(() -> vm.useBackend(BackendChoice.CUDA));   // nothing loaded yet: only the choice

        loadThen(() -> vm.useBackend(BackendChoice.CPU));

        Fx.waitUntil(60, "the CPU load is in", () -> vm.phaseProperty().get() == Phase.READY);
        assertThat(consoleLines("ERROR could not run on CUDA: CUDA is unavailable: no CUDA device")).isEqualTo(1);
        assertThat(consoleLines("on the automatic choice instead")).as("no retry of the replaced load").isZero();
        assertThat(Fx.call(() -> vm.backendChoiceProperty().get())).isEqualTo(BackendChoice.CPU);
        assertThat(consoleLines("loaded " + sample.name())).isEqualTo(1);
    }
}
