package org.specscope.app;

import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.app.RunViewModel.Phase;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a model load from the window: the load shows the engine's progress, Cancel stops
 * the engine midway (nothing more is prepared, its backend is closed), the console says so, and
 * the model loaded before still runs. The load is held midway by a gate, not by timing.
 */
@ExtendWith(ApplicationExtension.class)
class LoadCancelTest {

    private final WindowFixture windows = new WindowFixture();
    private final RecordingView view = new RecordingView("Recording");
    /** The backends the next loads get, in order; an ungated one when none is queued. */
    private final Queue<GatedBackend> backends = new ConcurrentLinkedQueue<>();
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = windows.show(stage, List.of(view), windows.preferences(), Fx.home(), () -> {
            GatedBackend next = backends.poll();
            return next != null ? next : GatedBackend.open();
        });
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private RunViewModel run() {
        return window.runViewModel();
    }

    private long consoleLines(String containing) {
        return Fx.call(() -> run().console().stream().filter(l -> l.contains(containing)).count());
    }

    @Test
    void cancellingALoadMidwayStopsTheEngineAndThePreviousModelStillRuns(FxRobot robot) throws Exception {
        Fx.waitUntil(60, "the sample model is loaded", () -> run().phaseProperty().get() == Phase.READY);
        ModelEntry sample = Fx.call(() -> run().modelProperty().get());
        GatedBackend gated = GatedBackend.gated();
        backends.add(gated);

        Fx.run(() -> window.open(sample));
        gated.awaitReached();
        Label message = robot.lookup("#loadMessage").queryAs(Label.class);
        // The engine's own steps reach the window: both models are open, the draft's tensors checked last.
        Fx.waitUntil(30, "the load's progress shows", () -> message.isVisible()
                && message.getText().startsWith("draft: checked the tensors of "));
        assertThat(Fx.call(() -> run().loadProgressProperty().get())).isEqualTo(1.0);
        assertThat(Fx.call(() -> robot.lookup("#loadProgress").query().isVisible())).isTrue();
        StatusBar status = robot.lookup("#statusBar").queryAs(StatusBar.class);
        assertThat(Fx.call(status::getText)).isEqualTo("loading");

        robot.clickOn("#cancelLoadButton");
        assertThat(consoleLines("loading " + sample.name() + " cancelled")).isEqualTo(1);
        gated.release();
        Fx.waitUntil(30, "the cancelled load closes its backend", () -> gated.closes.get() == 1);
        assertThat(gated.runnersMade.get()).as("the engine stopped before preparing the models").isZero();
        assertThat(consoleLines("ERROR")).isZero();
        assertThat(Fx.call(() -> run().phaseProperty().get())).isEqualTo(Phase.READY);
        assertThat(Fx.call(() -> run().modelProperty().get())).isEqualTo(sample);
        assertThat(Fx.call(message::isVisible)).isFalse();
        assertThat(Fx.call(status::getText)).isEqualTo("ready");

        Fx.run(() -> run().maxTokensProperty().set(8));
        robot.clickOn("#runButton");
        Fx.waitUntil(120, "the previous model still runs", () -> run().phaseProperty().get() == Phase.FINISHED);
        assertThat(view.steps).isNotEmpty();
        assertThat(Fx.call(status::getText)).isEqualTo("finished");
        assertThat(Fx.call(status::getProgress)).as("the status bar's bar: 8 of 8 tokens").isEqualTo(1.0);

        // And the next load goes through: the cancelled one no longer holds the loading thread.
        long loaded = consoleLines("loaded " + sample.name());
        Fx.run(() -> window.open(sample));
        Fx.waitUntil(60, "the sample loads again", () -> consoleLines("loaded " + sample.name()) == loaded + 1);
    }
}
