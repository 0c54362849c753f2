package org.specscope.app;

import javafx.concurrent.Task;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.session.DecodingSetup.DrafterKind;
import org.specscope.engine.trace.RecordedRun;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.app.WindowFixture.runToEnd;

/**
 * The session's runs in the left panel: every finished run and opened trace is listed (model,
 * time, tokens, tokens/s) and picking one shows it in the views again, from memory. The
 * inspector's drafter and clock choices reach the next run.
 */
@ExtendWith(ApplicationExtension.class)
class RunsListTest {

    private final WindowFixture windows = new WindowFixture();
    private final RecordingView view = new RecordingView("Recording");
    private MainWindow window;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        window = windows.show(stage, List.of(view), Fx.home());
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private RunViewModel run() {
        return window.runViewModel();
    }

    @Test
    void runsAndTracesAreListedAndPickingOneShowsItAgain(FxRobot robot) {
        runToEnd(window, 8);
        // The second run: prompt lookup on an H100's cost model, chosen in the inspector.
        assertThat(Fx.call(() -> run().drafterProperty().get())).isEqualTo(DrafterKind.DRAFT_MODEL);
        Fx.run(() -> run().drafterProperty().set(DrafterKind.PROMPT_LOOKUP));
        Fx.run(() -> run().clockProperty().set(ClockChoice.H100));
        runToEnd(window, 6);
        Path saved = tmp.resolve("second.jsonl");
        Task<Path> export = Fx.call(() -> window.exportTrace(TraceFormat.JSON_LINES, saved));
        Fx.awaitTask(30, "exported", export);
        Task<RecordedRun> open = Fx.call(() -> window.openTrace(saved));
        Fx.awaitTask(30, "opened", open);

        ListView<RunEntry> list = robot.lookup("#runList").queryListView();
        List<RunEntry> runs = Fx.call(() -> List.copyOf(list.getItems()));
        assertThat(runs).hasSize(3);
        RunEntry first = runs.get(0);
        RunEntry second = runs.get(1);
        assertThat(first.model()).isEqualTo("specscope-moe-mini");
        assertThat(first.tokens()).isEqualTo(8);
        assertThat(first.tokensPerSecond()).isPositive();
        assertThat(first.time()).matches("\\d\\d:\\d\\d:\\d\\d");
        assertThat(first.trace()).isNull();
        assertThat(first.describe()).startsWith("#1 specscope-moe-mini ").contains("8 tokens", "tok/s");
        assertThat(second.tokens()).isEqualTo(6);
        assertThat(second.run().header().drafter()).isNotEqualTo(first.run().header().drafter());
        assertThat(second.run().header().clock()).contains("H100");
        assertThat(first.run().header().clock()).doesNotContain("H100");
        assertThat(runs.get(2).trace()).isEqualTo(saved);
        assertThat(runs.get(2).run().steps()).isEqualTo(second.run().steps());
        assertThat(Fx.call(() -> list.getSelectionModel().getSelectedItem())).as("the shown run is selected")
                .isSameAs(runs.get(2));

        // Picking the first run shows it again: the views restart on its header and get its steps.
        Fx.run(() -> list.getSelectionModel().select(first));
        assertThat(view.starts.getLast()).isEqualTo(first.run().header());
        assertThat(view.steps).isEqualTo(first.run().steps());
        assertThat(Fx.call(() -> run().shownRunProperty().get())).isSameAs(first);
        assertThat(Fx.call(() -> run().textProperty().get())).isEqualTo(
                first.run().steps().stream().map(s -> s.emittedText()).reduce("", String::concat));
        assertThat(Fx.call(() -> run().stepCountProperty().get())).isEqualTo(first.run().steps().size());
        assertThat(Fx.call(() -> list.getItems().size())).as("showing again lists nothing new").isEqualTo(3);

        // A new run still works after that, and joins the list.
        Fx.run(() -> run().drafterProperty().set(DrafterKind.DRAFT_MODEL));
        Fx.run(() -> run().clockProperty().set(ClockChoice.WALL));
        runToEnd(window, 4);
        assertThat(Fx.call(() -> list.getItems().size())).isEqualTo(4);
        assertThat(Fx.call(() -> list.getSelectionModel().getSelectedItem().tokens())).isEqualTo(4);
    }
}
