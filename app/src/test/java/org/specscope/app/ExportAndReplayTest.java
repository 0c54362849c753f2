package org.specscope.app;

import javafx.concurrent.Task;
import javafx.scene.control.Slider;
import javafx.scene.control.Tab;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.trace.CsvSummaryWriter;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;
import org.specscope.visualizers.DraftTreeView;
import org.specscope.visualizers.SubstitutionsView;
import org.specscope.visualizers.TokenStreamView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.app.WindowFixture.runToEnd;

/**
 * Export and replay, headless: a short run on the sample model exports its trace in every
 * format and its figures as PNG; a saved trace replays in a window that never loaded a model;
 * a corrupt trace is reported by file and line and the app goes on.
 */
@ExtendWith(ApplicationExtension.class)
class ExportAndReplayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WindowFixture windows = new WindowFixture();
    private final RecordingView view = new RecordingView("Recording");
    private DraftTreeView tree;   // real views: made in start, once the toolkit is up
    private TokenStreamView tokens;
    private SubstitutionsView substitutions;
    private MainWindow window;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        tree = new DraftTreeView();
        tokens = new TokenStreamView();
        substitutions = new SubstitutionsView();
        window = windows.show(stage, List.of(view, tree, tokens, substitutions), Fx.home());
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private RunViewModel run() {
        return window.runViewModel();
    }

    private static <T> T await(Task<T> task) {
        Fx.awaitTask(60, "the task is done", task);
        assertThat(Fx.call(task::getState)).as(String.valueOf(Fx.call(task::getException)))
                .isEqualTo(javafx.concurrent.Worker.State.SUCCEEDED);
        return Fx.call(task::getValue);
    }

    /** Selects the tab showing {@code node} and waits until it is laid out. */
    private void selectTab(javafx.scene.Node content) {
        Tab tab = Fx.call(() -> window.viewTabs().getTabs().stream()
                .filter(t -> t.getContent() == content).findFirst().orElseThrow());
        Fx.run(() -> window.viewTabs().getSelectionModel().select(tab));
        Fx.waitUntil(10, "the view is laid out", () -> content.getLayoutBounds().getWidth() > 0);
    }

    private List<String> console() {
        return Fx.call(() -> List.copyOf(run().console()));
    }

    @Test
    void aRunsTraceExportsAsJsonLinesCsvAndChromeTraceThatParse() throws IOException {
        runToEnd(window, 12);
        int steps = view.steps.size();
        Path jsonl = await(Fx.call(() -> window.exportTrace(TraceFormat.JSON_LINES, tmp.resolve("run.jsonl"))));
        Path csv = await(Fx.call(() -> window.exportTrace(TraceFormat.CSV, tmp.resolve("run.csv"))));
        Path chrome = await(Fx.call(() -> window.exportTrace(TraceFormat.CHROME, tmp.resolve("run.json"))));

        RecordedRun back = TraceReader.read(jsonl);
        assertThat(back.steps()).hasSize(steps).isEqualTo(view.steps);
        assertThat(back.header()).isEqualTo(view.starts.getLast());
        assertThat(back.finished()).isTrue();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.getFirst()).isEqualTo(String.join(",", CsvSummaryWriter.COLUMNS));
        assertThat(rows).hasSize(1 + steps);
        JsonNode events = JSON.readTree(chrome.toFile()).get("traceEvents");
        assertThat(events.isArray()).isTrue();
        assertThat(events.size()).isPositive();
        assertThat(console()).anyMatch(l -> l.contains("exported the JSON lines trace to " + jsonl));
    }

    @Test
    void theSelectedViewExportsAsPngAtTwiceItsSizeAndTheWindowAsPng() throws IOException {
        runToEnd(window, 8);
        selectTab(tree.node());
        double width = Fx.call(() -> tree.node().getLayoutBounds().getWidth());
        double height = Fx.call(() -> tree.node().getLayoutBounds().getHeight());

        Path png = await(Fx.call(() -> window.exportViewPng(tmp.resolve("tree@2x.png"), 2)));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat((double) image.getWidth()).isCloseTo(2 * width, org.assertj.core.data.Offset.offset(1.0));
        assertThat((double) image.getHeight()).isCloseTo(2 * height, org.assertj.core.data.Offset.offset(1.0));

        Path whole = await(Fx.call(() -> window.exportWindowPng(tmp.resolve("window.png"))));
        BufferedImage windowImage = ImageIO.read(whole.toFile());
        assertThat(windowImage).isNotNull();
        assertThat((double) windowImage.getWidth()).isCloseTo(Fx.call(() -> window.root().getScene().getWidth()),
                org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void theDraftTreeExportsAsSvgWithItsTokensAsTextAndOtherViewsOfferNoSvg() throws Exception {
        runToEnd(window, 8);
        selectTab(tree.node());
        assertThat(Fx.call(() -> window.selectedFigure())).containsSame(tree);

        Path svg = await(Fx.call(() -> window.exportViewSvg(tmp.resolve("tree.svg"))));

        List<String> texts = SvgFile.texts(svg);
        org.specscope.engine.trace.StepTrace last = run().steps().getLast();
        for (String token : last.tree().texts()) {
            String shown = token.strip();
            if (!shown.isEmpty() && shown.length() <= 12 && !shown.contains("\n")) {
                assertThat(texts).contains(shown);
            }
        }
        assertThat(texts).contains("accepted path", "bonus token");
        assertThat(console()).anyMatch(l -> l.contains("exported the Draft tree view (SVG) to " + svg));

        // The recording view paints no vector figure: the menu item is off on its tab.
        Tab recordingTab = Fx.call(() -> window.viewTabs().getTabs().stream()
                .filter(t -> t.getContent() == view.node()).findFirst().orElseThrow());
        Fx.run(() -> window.viewTabs().getSelectionModel().select(recordingTab));
        assertThat(Fx.call(() -> window.selectedFigure())).isEmpty();
    }

    @Test
    void theTokenStreamAndSubstitutionsViewsExportAsSvgAndTheirPngIsTheFigure() throws Exception {
        runToEnd(window, 8);
        org.specscope.engine.trace.StepTrace last = run().steps().getLast();

        selectTab(tokens.node());
        assertThat(Fx.call(() -> window.selectedFigure())).containsSame(tokens);
        Fx.run(() -> tokens.showRejectedProperty().set(false));   // the emitted text alone, in one piece
        Path tokenSvg = await(Fx.call(() -> window.exportViewSvg(tmp.resolve("tokens.svg"))));
        List<String> tokenTexts = SvgFile.texts(tokenSvg);
        assertThat(tokenTexts).contains("accepted draft", "bonus token (from the target)");
        String blanks = "[\\s\\p{Cntrl}\uFFFD]";
        assertThat(String.join("", tokenTexts).replaceAll(blanks, "")).as("the whole text, not only what is scrolled to")
                .contains(Fx.call(tokens::text).replaceAll(blanks, ""));
        assertThat(console()).anyMatch(l -> l.contains("exported the Tokens view (SVG) to " + tokenSvg));

        double width = Fx.call(() -> tokens.node().getLayoutBounds().getWidth());
        double height = Fx.call(() -> tokens.node().getLayoutBounds().getHeight());
        BufferedImage png = ImageIO.read(await(Fx.call(() -> window.exportViewPng(tmp.resolve("tokens@2x.png"), 2)))
                .toFile());
        assertThat((double) png.getWidth()).isCloseTo(2 * width, org.assertj.core.data.Offset.offset(1.0));
        assertThat((double) png.getHeight()).isGreaterThanOrEqualTo(2 * height - 1);
        // painted from the figure, on the theme's page: the corner is the light background
        assertThat(png.getRGB(0, png.getHeight() - 1) & 0xffffff).isEqualTo(0xffffff);

        selectTab(substitutions.node());
        assertThat(Fx.call(() -> window.selectedFigure())).containsSame(substitutions);
        List<String> rows = SvgFile.texts(await(Fx.call(() -> window.exportViewSvg(tmp.resolve("substitutions.svg")))));
        assertThat(rows).contains("layer / natural \u2192 kept", "routing weight lost");
        assertThat(rows).anyMatch(t -> t.startsWith("step " + last.step() + " (newest) \u00b7 "));
        for (org.specscope.engine.trace.LayerTrace l : last.layers()) {
            assertThat(rows).anyMatch(t -> t.startsWith("layer " + l.layer() + ": "));
        }
    }

    @Test
    void aSavedTraceReplaysInAFreshWindowWithoutAModelAndTheTimelineScrubsIt(FxRobot robot) throws Exception {
        runToEnd(window, 12);
        Path saved = await(Fx.call(() -> window.exportTrace(TraceFormat.JSON_LINES, tmp.resolve("saved.jsonl"))));
        RecordedRun recorded = TraceReader.read(saved);

        // A fresh window whose home has no sample models: nothing is loaded, nothing runs.
        RecordingView fresh = new RecordingView("Replay");
        AppPreferences freshPreferences = new AppPreferences(windows.node().node("fresh"));
        MainWindow replay = Fx.call(() -> windows.show(new Stage(), List.of(fresh), freshPreferences,
                tmp.resolve("empty-home"), () -> new CpuBackend(1)));
        RunViewModel replayRun = replay.runViewModel();
        assertThat(Fx.call(() -> replayRun.phaseProperty().get())).isEqualTo(Phase.EMPTY);

        await(Fx.call(() -> replay.openTrace(saved)));
        assertThat(fresh.starts).containsExactly(recorded.header());
        assertThat(fresh.steps).isEqualTo(recorded.steps());
        assertThat(fresh.offFxThread).isEmpty();
        assertThat(Fx.call(() -> replayRun.modelProperty().get())).as("no model was needed").isNull();
        assertThat(Fx.call(() -> replayRun.replayedTraceProperty().get())).isEqualTo(saved);
        assertThat(Fx.call(() -> replayRun.textProperty().get())).isEqualTo(
                recorded.steps().stream().map(s -> s.emittedText()).reduce("", String::concat));

        Slider timeline = Fx.call(() -> (Slider) replay.root().lookup("#timeline"));
        assertThat(Fx.call(timeline::getMax)).isEqualTo(recorded.steps().size() - 1.0);
        Fx.run(() -> timeline.setValue(1));
        assertThat(fresh.selections).contains(1);
        assertThat(Fx.call(() -> replayRun.selectedStepProperty().get())).isEqualTo(1);
    }

    @Test
    void aCorruptTraceShowsTheErrorNamingTheFileAndTheSampleStillRuns(FxRobot robot) throws IOException {
        runToEnd(window, 12);
        Path saved = await(Fx.call(() -> window.exportTrace(TraceFormat.JSON_LINES, tmp.resolve("good.jsonl"))));
        int shownSteps = view.steps.size();

        // A bad field: the second step's number is a word.
        List<String> lines = new ArrayList<>(Files.readAllLines(saved));
        lines.set(2, lines.get(2).replaceFirst("\"step\":1,", "\"step\":\"one\","));
        assertThat(lines.get(2)).contains("\"step\":\"one\"");
        Path badField = Files.write(tmp.resolve("bad-field.jsonl"), lines);
        Task<RecordedRun> opening = Fx.call(() -> window.openTrace(badField));
        Fx.awaitTask(30, "the open fails", opening);
        assertThat(console()).anyMatch(l -> l.contains("ERROR") && l.contains(badField.toString())
                && l.contains("line 3") && l.contains("step"));
        assertThat(robot.lookup("#banner").queryLabeled().isVisible()).isTrue();
        assertThat(robot.lookup("#banner").queryLabeled().getText()).contains("bad-field.jsonl", "line 3");
        assertThat(view.steps).as("the shown run stays").hasSize(shownSteps);

        // Cut off mid-line, as a crashed writer leaves it.
        String text = Files.readString(saved);
        Path cut = Files.writeString(tmp.resolve("cut.jsonl"), text.substring(0, text.length() - 25));
        Task<RecordedRun> cutOpening = Fx.call(() -> window.openTrace(cut));
        Fx.awaitTask(30, "the open fails", cutOpening);
        assertThat(console()).anyMatch(l -> l.contains("ERROR") && l.contains(cut.toString()) && l.contains("truncated"));

        // The app goes on: the sample runs again.
        int startsBefore = view.starts.size();
        runToEnd(window, 8);
        assertThat(view.starts).hasSize(startsBefore + 1);
        assertThat(view.steps).isNotEmpty();
    }

    @Test
    void anUnwritableExportIsReportedAndNothingBreaks(FxRobot robot) {
        Task<Path> early = Fx.call(() -> window.exportTrace(TraceFormat.CSV, tmp.resolve("early.csv")));
        Fx.awaitTask(30, "the export fails", early);
        assertThat(console()).anyMatch(l -> l.contains("ERROR") && l.contains("nothing to export yet"));

        runToEnd(window, 8);
        Path nowhere = tmp.resolve("no-such-dir").resolve("run.csv");
        Task<Path> failed = Fx.call(() -> window.exportTrace(TraceFormat.CSV, nowhere));
        Fx.awaitTask(30, "the export fails", failed);
        assertThat(Fx.call(failed::getState)).isEqualTo(javafx.concurrent.Worker.State.FAILED);
        assertThat(console()).anyMatch(l -> l.contains("ERROR") && l.contains(nowhere.toString())
                && l.contains("no such file or directory"));
        assertThat(robot.lookup("#banner").queryLabeled().getText()).contains("could not export the CSV summary");
        Task<Path> png = Fx.call(() -> window.exportViewPng(nowhere.resolveSibling("view.png"), 2));
        Fx.awaitTask(30, "the export fails", png);
        assertThat(Fx.call(png::getState)).isEqualTo(javafx.concurrent.Worker.State.FAILED);
        // Still usable: a good path works.
        await(Fx.call(() -> window.exportTrace(TraceFormat.CSV, tmp.resolve("ok.csv"))));
        assertThat(tmp.resolve("ok.csv")).exists();
    }
}
