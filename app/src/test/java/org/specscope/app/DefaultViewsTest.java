package org.specscope.app;

import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.backend.cuda.CudaProbe;
import org.specscope.visualizers.DraftTreeView;
import org.specscope.visualizers.ExpertHeatmapView;
import org.specscope.visualizers.TokenStreamView;
import org.specscope.visualizers.TraceView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's own views, in the real window made as the app makes it (its own backend choice),
 * follow a live run of the sample model, and the status bar says which backend runs and, on the
 * CPU, why not CUDA.
 */
@ExtendWith(ApplicationExtension.class)
class DefaultViewsTest {

    private final WindowFixture windows = new WindowFixture();
    private List<TraceView> views;   // controls: made on the FX thread once the toolkit runs
    private MainWindow window;

    @Start
    void start(Stage stage) {
        views = SpecScopeApp.defaultViews();
        window = windows.showAsTheAppDoes(stage, views, Fx.home());
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    @Test
    void tokenStreamAndDraftTreeShowTheRun(FxRobot robot) {
        RunViewModel run = window.runViewModel();
        Fx.waitUntil(60, "the sample model is loaded", () -> run.phaseProperty().get() == Phase.READY);
        CudaAvailability cuda = CudaProbe.system().availability();
        String backend = robot.lookup("#statusBackend").queryLabeled().getText();
        if (cuda.isAvailable()) {
            assertThat(backend).startsWith("CUDA, ");
        } else {
            assertThat(backend).startsWith("CPU, ").endsWith("(CUDA unavailable: " + cuda.reason() + ")");
        }
        TabPane tabs = robot.lookup("#viewTabs").queryAs(TabPane.class);
        assertThat(Fx.call(() -> tabs.getTabs().stream().map(t -> t.getText()).toList()))
                .containsAll(views.stream().map(TraceView::title).toList());

        Fx.run(() -> run.maxTokensProperty().set(16));
        robot.clickOn("#runButton");
        Fx.waitUntil(120, "the run ends", () -> run.phaseProperty().get() == Phase.FINISHED);

        TokenStreamView tokens = (TokenStreamView) views.get(0);
        DraftTreeView tree = (DraftTreeView) views.get(1);
        // Steps reach the views coalesced, a pulse or two after the run ends.
        Fx.waitUntil(20, "the token stream holds the whole output",
                () -> tokens.text().equals(run.textProperty().get()));
        Fx.waitUntil(20, "the tree shows a drafted step", () -> tree.shownStep() > 0 && tree.nodeCount() > 1);
        assertThat(Fx.call(tokens::text)).isNotEmpty();
        ExpertHeatmapView heatmap = views.stream().filter(ExpertHeatmapView.class::isInstance)
                .map(ExpertHeatmapView.class::cast).findFirst().orElseThrow();
        Fx.waitUntil(20, "the heatmap shows the sample's MoE layers", () -> heatmap.shownStep() > 0
                && heatmap.rows() == 6 && heatmap.experts() == 32);
    }
}
