package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.visualizers.ViewStage.distance;

import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.trace.StepTrace;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class CascadeViewTest {

    private CascadeView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new CascadeView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 900, 420);
    }

    private WritableImage snapshot() throws Exception {
        Canvas canvas = Fx.call(() -> (Canvas) view.node().lookup(".cascade").lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
        return Fx.call(() -> canvas.snapshot(null, null));
    }

    @Test
    void plotsTheControllerStateOfEveryStep() throws Exception {
        onStage.feed(CascadeTraces.steps());
        List<StepTrace> steps = CascadeTraces.steps();
        CascadeSeries s = Fx.call(view::series);
        assertThat(s.size()).isEqualTo(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertThat(s.k(i)).isEqualTo(steps.get(i).controller().k());
            assertThat(Double.compare(s.utility(i), steps.get(i).controller().utility())).isZero();
        }
        // steps left to right, U and K upwards, U = 1 inside the plot
        Bounds plot = Fx.call(view::plotBounds);
        assertThat(Fx.call(() -> view.xOf(0))).isGreaterThan(plot.getMinX()).isLessThan(Fx.call(() -> view.xOf(1)));
        assertThat(Fx.call(() -> view.xOf(13))).isLessThan(plot.getMaxX());
        assertThat(Fx.call(() -> view.yOfUtility(1.32))).isLessThan(Fx.call(() -> view.yOfUtility(1)))
                .isGreaterThan(plot.getMinY());
        assertThat(Fx.call(() -> view.yOfK(2))).isLessThan(Fx.call(() -> view.yOfK(1))).isGreaterThan(plot.getMinY());
    }

    @Test
    void shadesEachControllerPhaseInItsColour() throws Exception {
        onStage.feed(CascadeTraces.steps());
        List<CascadeSeries.PhaseBand> bands = Fx.call(view::bandsDrawn);
        // every band but the fixed-K prefill, matching the records' phases step by step
        assertThat(bands).extracting(CascadeSeries.PhaseBand::phase).containsExactly(ControllerPhase.BASELINE,
                ControllerPhase.TEST, ControllerPhase.SET, ControllerPhase.TEST, ControllerPhase.SET);
        List<StepTrace> steps = CascadeTraces.steps();
        for (CascadeSeries.PhaseBand b : bands) {
            for (int step = b.from(); step <= b.to(); step++) {
                assertThat(steps.get(step).controller().phase()).isEqualTo(b.phase());
            }
        }
        WritableImage image = snapshot();
        for (int i = 0; i < bands.size(); i++) {
            int n = i;
            Bounds r = Fx.call(() -> view.bandBounds(n));
            assertThat(r.getMinX()).isCloseTo(Fx.call(() -> view.xOf(bands.get(n).from())) - (Fx.call(() -> view.xOf(1))
                    - Fx.call(() -> view.xOf(0))) / 2, org.assertj.core.data.Offset.offset(0.01));
            Color expected = Fx.call(() -> view.phaseColor(bands.get(n).phase()));
            Color pixel = image.getPixelReader().getColor((int) r.getCenterX(), (int) r.getMinY() + 3);
            assertThat(distance(pixel, expected)).as("band %s", bands.get(i)).isLessThan(0.05);
        }
        // the three shaded phases have colours of their own
        Color baseline = Fx.call(() -> view.phaseColor(ControllerPhase.BASELINE));
        Color test = Fx.call(() -> view.phaseColor(ControllerPhase.TEST));
        Color set = Fx.call(() -> view.phaseColor(ControllerPhase.SET));
        assertThat(distance(baseline, test)).isGreaterThan(0.1);
        assertThat(distance(test, set)).isGreaterThan(0.1);
        assertThat(distance(baseline, set)).isGreaterThan(0.1);
    }

    @Test
    void flagsTheStepsWhereTheSettingsChanged() throws Exception {
        onStage.feed(CascadeTraces.steps());
        assertThat(Fx.call(view::flagSteps)).containsExactly(5, 9);
        WritableImage image = snapshot();
        Bounds plot = Fx.call(view::plotBounds);
        for (int step : List.of(5, 9)) {
            double x = Fx.call(() -> view.xOf(step));
            Color flag = image.getPixelReader().getColor((int) x + 3, (int) plot.getMinY() - 14);
            assertThat(distance(flag, Color.WHITE)).as("a flag over step %d", step).isGreaterThan(0.5);
            int change = Fx.call(() -> view.flagAt(x + 3, plot.getMinY() - 14));
            assertThat(change).isGreaterThanOrEqualTo(0);
            assertThat(Fx.call(() -> view.series().settingsChanges().get(change).step())).isEqualTo(step);
        }
        // no flag over a step whose settings stayed
        double x7 = Fx.call(() -> view.xOf(7));
        assertThat(distance(image.getPixelReader().getColor((int) x7 + 3, (int) plot.getMinY() - 14), Color.WHITE))
                .isLessThan(0.05);
        assertThat(Fx.call(() -> view.flagAt(x7 + 3, plot.getMinY() - 14))).isEqualTo(-1);
    }

    @Test
    void selectMovesTheMarkerToThatStep() throws Exception {
        onStage.feed(CascadeTraces.steps());
        assertThat(Fx.call(view::shownStep)).isEqualTo(13);
        onStage.select(4);
        assertThat(Fx.call(view::shownStep)).isEqualTo(4);
        WritableImage image = snapshot();
        Bounds plot = Fx.call(view::plotBounds);
        Color marker = Fx.call(view::markerColor);
        double x4 = Fx.call(() -> view.xOf(4));
        assertThat(distance(image.getPixelReader().getColor((int) x4, (int) plot.getMinY() + 3), marker)).isLessThan(0.1);
        double x8 = Fx.call(() -> view.xOf(8));
        assertThat(distance(image.getPixelReader().getColor((int) x8, (int) plot.getMinY() + 3), marker))
                .isGreaterThan(0.5);
        onStage.select(-1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(13);
    }

    @Test
    void aNewRunForgetsTheLastOne() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.feed(List.of(CascadeTraces.steps().get(0)));
        assertThat(Fx.call(() -> view.series().size())).isEqualTo(1);
        assertThat(Fx.call(view::flagSteps)).isEmpty();
        assertThat(Fx.call(view::bandsDrawn)).isEmpty();
    }

    @Test
    void coalescesManyCallsIntoOneRedraw() throws Exception {
        onStage.feed(CascadeTraces.steps());
        assertThat(onStage.redrawsOf(() -> {
            for (int i = 0; i < 50; i++) {
                view.append(CascadeTraces.with(CascadeTraces.steps().get(7), 14 + i, CascadeTraces.THIRD,
                        CascadeTraces.steps().get(7).controller()));
                view.select(i % 5);
            }
        }, view::redrawCount)).isEqualTo(1);
    }

    @Test
    void clickingAStepsSlotFocusesThatStepAndTheFocusMovesTheMarker() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(CascadeTraces.steps());
        Bounds plot = Fx.call(view::plotBounds);
        double x4 = Fx.call(() -> view.xOf(4));
        onStage.clickCanvas(x4 + 2, plot.getCenterY());
        assertThat(Fx.call(focus::get)).isEqualTo(TraceFocus.ofStep(4));
        assertThat(Fx.call(view::shownStep)).isEqualTo(4);
        // a flag names its step
        double x9 = Fx.call(() -> view.xOf(9));
        onStage.clickCanvas(x9 + 3, plot.getMinY() - 14);
        assertThat(Fx.call(focus::get).step()).isEqualTo(9);
        // outside the plot: nothing picked
        onStage.clickCanvas(plot.getMinX() - 20, plot.getCenterY());
        assertThat(Fx.call(focus::get).step()).isEqualTo(9);

        onStage.focus(focus, TraceFocus.ofStep(7));
        assertThat(Fx.call(view::shownStep)).isEqualTo(7);
        onStage.focus(focus, TraceFocus.NONE);
        assertThat(Fx.call(view::shownStep)).as("following the newest").isEqualTo(13);
    }
}
