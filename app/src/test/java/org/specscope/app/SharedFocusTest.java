package org.specscope.app;

import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Slider;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.visualizers.CascadeView;
import org.specscope.visualizers.DistinctExpertsView;
import org.specscope.visualizers.ExpertHeatmapView;
import org.specscope.visualizers.SharedFocus;
import org.specscope.visualizers.TraceFocus;
import org.specscope.visualizers.TraceView;
import org.specscope.visualizers.UsageDistributionView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window's views share one focus: a heatmap cell clicked in its tab is the layer and expert
 * the other tabs highlight, and the focus's step is the timeline's, whichever of them moves it.
 */
@ExtendWith(ApplicationExtension.class)
class SharedFocusTest {

    private final WindowFixture windows = new WindowFixture();
    private List<TraceView> views;   // controls: made on the FX thread once the toolkit runs
    private MainWindow window;

    @Start
    void start(Stage stage) {
        views = SpecScopeApp.defaultViews();
        window = windows.show(stage, views, Fx.home());
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private <V extends TraceView> V view(Class<V> type) {
        return views.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    /** Brings the view's tab to the front and waits until its canvas is laid out and drawn. */
    private Canvas show(FxRobot robot, TraceView view) {
        TabPane tabs = robot.lookup("#viewTabs").queryAs(TabPane.class);
        Fx.run(() -> {
            Tab tab = tabs.getTabs().stream().filter(t -> t.getContent() == view.node()).findFirst().orElseThrow();
            tabs.getSelectionModel().select(tab);
        });
        Canvas canvas = Fx.call(() -> (Canvas) view.node().lookup(".figure-canvas"));
        Fx.waitUntil(20, view.title() + " is drawn on screen", () -> canvas.getScene() != null
                && canvas.getWidth() > 100 && canvas.getHeight() > 100);
        return canvas;
    }

    private static void clickAt(FxRobot robot, Canvas canvas, double x, double y) {
        Point2D screen = Fx.call(() -> canvas.localToScreen(x, y));
        robot.clickOn(screen);
    }

    @Test
    void aHeatmapCellClickedInOneTabIsHighlightedInTheOthersAndTheTimelineKeepsTheFocusStep(FxRobot robot) {
        RunViewModel run = window.runViewModel();
        SharedFocus focus = window.sharedFocus();
        Fx.waitUntil(60, "the sample model is loaded", () -> run.phaseProperty().get() == Phase.READY);
        Fx.run(() -> run.maxTokensProperty().set(24));
        robot.clickOn("#runButton");
        Fx.waitUntil(120, "the run ends", () -> run.phaseProperty().get() == Phase.FINISHED);
        assertThat(Fx.call(() -> run.stepCountProperty().get())).isGreaterThanOrEqualTo(3);

        // scrubbing the timeline moves the focus's step
        Slider timeline = robot.lookup("#timeline").queryAs(Slider.class);
        Fx.run(() -> timeline.setValue(2));
        assertThat(Fx.call(focus::get)).isEqualTo(TraceFocus.ofStep(2));

        // a heatmap cell, clicked with the mouse
        ExpertHeatmapView heatmap = view(ExpertHeatmapView.class);
        Canvas heatmapCanvas = show(robot, heatmap);
        Fx.waitUntil(20, "the heatmap shows step 2", () -> heatmap.shownStep() == 2 && heatmap.rows() == 6
                && !heatmap.isRedrawPending());
        double[] cell = Fx.call(() -> heatmap.cellCentre(3, 7));
        clickAt(robot, heatmapCanvas, cell[0], cell[1]);
        int layer = Fx.call(() -> heatmap.layerNumber(3));
        TraceFocus picked = new TraceFocus(2, layer, 7, -1);
        Fx.waitUntil(10, "the cell is the focus", () -> focus.get().equals(picked));
        assertThat(Fx.call(heatmap::highlightedRow)).isEqualTo(3);
        assertThat(Fx.call(heatmap::highlightedExpert)).isEqualTo(7);
        assertThat(robot.lookup("#statusFocus").queryLabeled().getText())
                .isEqualTo("focus: step 2 \u00b7 layer " + layer + " \u00b7 expert 7");

        // the other tabs highlight the same layer and expert
        DistinctExpertsView distinct = view(DistinctExpertsView.class);
        show(robot, distinct);
        Fx.waitUntil(20, "distinct experts outline the layer", () -> distinct.shownStep() == 2
                && distinct.highlightedGroup() >= 0);
        assertThat(Fx.call(() -> distinct.describe(distinct.highlightedGroup()))).startsWith("layer " + layer + ",");
        UsageDistributionView usage = view(UsageDistributionView.class);
        show(robot, usage);
        Fx.waitUntil(20, "the usage view overlays the layer and marks the expert",
                () -> usage.overlaidLayer() == layer && usage.focusedRank() >= 0);
        int rank = Fx.call(usage::focusedRank);
        assertThat(Fx.call(() -> usage.expertOfRank(rank))).containsExactly(layer, 7);

        // a step clicked in the Cascade view moves the timeline, and the layer and expert stay
        CascadeView cascade = view(CascadeView.class);
        Canvas cascadeCanvas = show(robot, cascade);
        Fx.waitUntil(20, "the Cascade chart is drawn", () -> cascade.shownStep() == 2 && !cascade.isRedrawPending());
        double x1 = Fx.call(() -> cascade.xOf(1));
        double y = Fx.call(() -> cascade.plotBounds().getCenterY());
        clickAt(robot, cascadeCanvas, x1, y);
        Fx.waitUntil(10, "step 1 is the focus", () -> focus.get().equals(new TraceFocus(1, layer, 7, -1)));
        assertThat(Fx.call(() -> run.selectedStepProperty().get())).isEqualTo(1);
        assertThat(Fx.call(timeline::getValue)).isEqualTo(1.0);
        ToggleButton follow = robot.lookup("#followButton").queryAs(ToggleButton.class);
        assertThat(Fx.call(follow::isSelected)).isFalse();
        Fx.waitUntil(10, "the heatmap shows step 1, still outlining the layer",
                () -> heatmap.shownStep() == 1 && heatmap.highlightedRow() == 3);

        // Follow: the newest step, the same layer and expert; clearing keeps only the step
        robot.clickOn("#followButton");
        assertThat(Fx.call(focus::get)).isEqualTo(new TraceFocus(-1, layer, 7, -1));
        robot.clickOn("#clearFocusButton");
        assertThat(Fx.call(focus::get)).isEqualTo(TraceFocus.NONE);
        assertThat(robot.lookup("#statusFocus").queryLabeled().getText()).isEmpty();
        Fx.waitUntil(10, "no outline left", () -> heatmap.highlightedRow() == -1 && distinct.highlightedGroup() == -1);
    }
}
