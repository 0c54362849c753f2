package org.specscope.app;

import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Slider;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.app.RunViewModel.Phase;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole window, headless (Monocle): sample model, runs, live budget, pause and step, a bad model. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private final WindowFixture windows = new WindowFixture();
    private final RecordingView view = new RecordingView("Recording");
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = windows.show(stage, List.of(view), Fx.home());
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        Fx.run(stage::hide);   // saves the window size into the throwaway node and closes the window
        assertThat(windows.preferences().windowWidth()).isPositive();
        windows.close();
    }

    private RunViewModel run() {
        return window.runViewModel();
    }

    private void awaitReady() {
        Fx.waitUntil(60, "the sample model is loaded", () -> run().phaseProperty().get() == Phase.READY);
    }

    @Test
    void startsWithTheSampleModelListedLoadedAndTheViewsInTabs(FxRobot robot) {
        ListView<ModelEntry> models = robot.lookup("#modelList").queryListView();
        assertThat(Fx.call(() -> models.getItems().stream().map(ModelEntry::name).toList()))
                .contains("specscope-moe-mini");
        awaitReady();
        assertThat(Fx.call(() -> run().modelProperty().get().name())).isEqualTo("specscope-moe-mini");
        assertThat(Fx.call(() -> run().modelProperty().get().draft())).isPresent();
        TabPane tabs = robot.lookup("#viewTabs").queryAs(TabPane.class);
        assertThat(Fx.call(() -> tabs.getTabs().stream().map(t -> t.getText()).toList())).contains("Recording");
        assertThat(robot.lookup("#statusBackend").queryLabeled().getText()).startsWith("CPU, 1 thread");
        assertThat(Fx.call(() -> window.settingsViewModel().numExpertsProperty().get())).isEqualTo(32);
        int k = Fx.call(() -> window.settingsViewModel().topKProperty().get());
        assertThat(k).isGreaterThan(1);
        assertThat(Fx.call(() -> robot.lookup("#budgetSlider").queryAs(Slider.class).getMin())).isEqualTo(k);
        assertThat(robot.lookup("#budgetLabel").queryLabeled().getText()).startsWith("B (" + k + "..32");
        @SuppressWarnings("unchecked")
        ChoiceBox<SettingsViewModel.Selection> selection = robot.lookup("#selectionChoice").queryAs(ChoiceBox.class);
        assertThat(Fx.call(() -> selection.getConverter().toString(SettingsViewModel.Selection.FIXED)))
                .isEqualTo("fixed budget B");
        @SuppressWarnings("unchecked")
        ChoiceBox<SettingsViewModel.Shape> shape = robot.lookup("#shapeChoice").queryAs(ChoiceBox.class);
        assertThat(Fx.call(() -> shape.getConverter().toString(SettingsViewModel.Shape.TREE))).isEqualTo("tree");
        assertThat(windows.preferences().lastModel()).hasValueSatisfying(p -> assertThat(p.getFileName().toString()).isEqualTo("specscope-moe-mini"));
    }

    @Test
    void runButtonGeneratesAndStepsReachTheView(FxRobot robot) {
        awaitReady();
        Fx.run(() -> run().maxTokensProperty().set(16));
        robot.clickOn("#runButton");
        Fx.waitUntil(120, "the run ends", () -> run().phaseProperty().get() == Phase.FINISHED);
        assertThat(view.starts).hasSize(1);
        assertThat(view.steps).isNotEmpty();
        assertThat(view.offFxThread).isEmpty();
        assertThat(robot.lookup("#outputText").queryTextInputControl().getText()).isNotEmpty();
        // Scrubbing the timeline selects a step in every view; Follow goes back to -1.
        Slider timeline = robot.lookup("#timeline").queryAs(Slider.class);
        Fx.run(() -> timeline.setValue(0));
        assertThat(view.selections).contains(0);
        robot.clickOn("#followButton");
        assertThat(view.selections.getLast()).isEqualTo(-1);
    }

    @Test
    void budgetSliderMidRunChangesALaterStepsKeptSet(FxRobot robot) {
        awaitReady();
        Fx.run(() -> run().maxTokensProperty().set(400));
        robot.clickOn("#startPaused");
        robot.clickOn("#runButton");
        Fx.waitUntil(60, "the prefill", () -> view.steps.size() == 1);
        robot.clickOn("#stepButton");
        Fx.waitUntil(60, "one step", () -> view.steps.size() == 2);
        assertThat(view.steps.get(1).layers().getFirst().kept().size()).isGreaterThan(5);
        // Resume, then move the slider while the engine runs.
        robot.push(KeyCode.SPACE);
        Fx.waitUntil(10, "running", () -> run().phaseProperty().get() == Phase.RUNNING);
        Slider budget = robot.lookup("#budgetSlider").queryAs(Slider.class);
        int before = view.steps.size();
        Fx.run(() -> budget.setValue(5));
        Fx.waitUntil(60, "a budgeted step", () -> view.steps.stream().skip(before)
                .anyMatch(s -> s.layers().getFirst().kept().size() == 5));
        StepTrace5Check.assertBudgeted(view.steps.getLast());
        robot.clickOn("#stopButton");
        Fx.waitUntil(60, "stopped", () -> run().phaseProperty().get() == Phase.FINISHED);
    }

    @Test
    void pauseAndSingleStepFromTheToolbar(FxRobot robot) {
        awaitReady();
        Fx.run(() -> run().maxTokensProperty().set(400));
        robot.clickOn("#runButton");
        Fx.waitUntil(60, "a few steps", () -> view.steps.size() >= 2);
        robot.clickOn("#pauseButton");
        Fx.waitUntil(10, "paused", () -> run().phaseProperty().get() == Phase.PAUSED);
        Fx.waitUntil(10, "the step in flight lands", () -> true);
        sleep(300);
        int paused = view.steps.size();
        sleep(300);
        assertThat(view.steps).hasSize(paused);
        StatusBar status = robot.lookup("#statusBar").queryAs(StatusBar.class);
        assertThat(Fx.call(status::getText)).isEqualTo("paused");
        assertThat(Fx.call(status::getProgress)).as("part of the 400 tokens").isStrictlyBetween(0.0, 1.0);
        robot.push(KeyCode.F6);
        Fx.waitUntil(30, "one more step", () -> view.steps.size() == paused + 1);
        sleep(300);
        assertThat(view.steps).hasSize(paused + 1);
        robot.push(KeyCode.SHIFT, KeyCode.F5);
        Fx.waitUntil(30, "stopped", () -> run().phaseProperty().get() == Phase.FINISHED);
    }

    @Test
    void aBadModelDirectoryShowsTheErrorAndTheSampleStillRuns(FxRobot robot) throws Exception {
        awaitReady();
        Path bad = Files.createTempDirectory("bad-model");
        Fx.run(() -> window.openDirectory(bad));
        Fx.waitUntil(60, "the error in the console", () -> run().console().stream().anyMatch(l -> l.contains("ERROR")));
        Fx.waitUntil(10, "ready again", () -> run().phaseProperty().get() == Phase.READY);
        assertThat(robot.lookup("#banner").queryLabeled().isVisible()).isTrue();
        assertThat(robot.lookup("#banner").queryLabeled().getText()).contains("could not open").contains(bad.getFileName().toString());
        assertThat(Fx.call(() -> window.models().stream().noneMatch(m -> m.directory().equals(bad.toAbsolutePath().normalize()))))
                .isTrue();
        assertThat(Fx.call(() -> run().modelProperty().get().name())).isEqualTo("specscope-moe-mini");
        Fx.run(() -> run().maxTokensProperty().set(8));
        Button runButton = robot.lookup("#runButton").queryButton();
        assertThat(runButton.isDisabled()).isFalse();
        robot.clickOn(runButton);
        Fx.waitUntil(120, "the sample runs", () -> run().phaseProperty().get() == Phase.FINISHED);
        assertThat(view.steps).isNotEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last step ran under B = 5. */
    private static final class StepTrace5Check {
        static void assertBudgeted(org.specscope.engine.trace.StepTrace step) {
            assertThat(step.settings().budget().selection().describe()).isEqualTo("B=5");
            assertThat(step.layers().getFirst().kept().size()).isEqualTo(5);
        }
    }
}
