package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;
import org.specscope.visualizers.ExpertUsage.Measure;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class UsageDistributionViewTest {

    private UsageDistributionView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new UsageDistributionView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 1000, 500);
    }


    @Test
    void drawsThePooledCurvesOfEveryStepSoFar() throws Exception {
        List<StepTrace> steps = new SyntheticRun(3, 32, 4, 16, 8, 11).steps(6);
        onStage.feed(steps);
        ExpertUsage expected = new ExpertUsage();
        steps.forEach(expected::add);
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(ExpertUsage.ALL_LAYERS));
        assertThat(Fx.call(view::cumulativeCurve).share())
                .containsExactly(expected.cumulativeShare(ExpertUsage.ALL_LAYERS).share());
        assertThat(Fx.call(view::titleText)).contains("all 3 layers pooled").contains("6 steps").contains("96 experts");
        // selecting a step does not change the run-so-far view
        onStage.act(() -> view.select(1));
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(ExpertUsage.ALL_LAYERS));
    }

    @Test
    void layerAndMeasureChooseTheCurve() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> {
            view.layerProperty().set(1);   // the second MoE layer: decoder layer 3 in Traces
            view.measureProperty().set(Measure.NATURAL_SELECTIONS);
        });
        ExpertUsage expected = new ExpertUsage();
        Traces.steps().forEach(expected::add);
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(1, Measure.NATURAL_SELECTIONS));
        assertThat(Fx.call(view::cumulativeCurve).share())
                .containsExactly(expected.cumulativeShare(1, Measure.NATURAL_SELECTIONS).share());
        // Traces' 11 nodes name every expert of 8 at least once
        assertThat(Fx.call(view::unusedExperts)).isZero();
        assertThat(Fx.call(view::titleText)).contains("layer 3").contains("natural selections")
                .as("the title names the decoder layer, not the position").doesNotContain("none yet");
    }

    @Test
    void thePooledModelCurvesStayExactWhileTheStrokedPointsAreThinnedToThePixelColumns() throws Exception {
        List<StepTrace> steps = new SyntheticRun(48, 128, 8, 64, 32, 42).steps(4);
        onStage.feed(steps);
        ExpertUsage expected = new ExpertUsage();
        steps.forEach(expected::add);
        double[] rank = Fx.call(view::rankCurve);
        assertThat(rank).containsExactly(expected.sortedUsage(ExpertUsage.ALL_LAYERS));
        assertThat(Fx.call(view::cumulativeCurve).size()).isEqualTo(48 * 128 + 1);
        // each plot is under 500 px wide: at most 4 points per column, far fewer than 6144
        int used = rank.length - Fx.call(view::unusedExperts);
        assertThat(Fx.call(view::rankPointsDrawn)).isBetween(2, 4 * 500).isLessThan(used);
        assertThat(Fx.call(view::sharePointsDrawn)).isBetween(2, 4 * 500).isLessThan(48 * 128 + 1);
    }

    @Test
    void reductionKeepsTheEndpointsAndEachColumnsExtremes() {
        int n = 5000;
        double[] x = new double[n];
        double[] y = new double[n];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            x[i] = 10 + i * 0.037; // ~27 points per pixel column
            y[i] = 100 * Math.sin(i * 0.01) + random.nextGaussian();
        }
        double[] ox = new double[n];
        double[] oy = new double[n];
        int m = UsageDistributionView.reduce(x, y, n, ox, oy);
        assertThat(m).isLessThanOrEqualTo(4 * ((int) Math.floor(x[n - 1]) - 10 + 1));
        assertThat(new double[] {ox[0], oy[0], ox[m - 1], oy[m - 1]}).containsExactly(x[0], y[0], x[n - 1], y[n - 1]);
        // a subsequence, in order, with every column's minimum and maximum
        int k = 0;
        for (int i = 0; i < n && k < m; i++) {
            if (x[i] == ox[k] && y[i] == oy[k]) {
                k++;
            }
        }
        assertThat(k).isEqualTo(m);
        for (int col = 10; col <= (int) x[n - 1]; col++) {
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            double keptLo = Double.MAX_VALUE;
            double keptHi = -Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (Math.floor(x[i]) == col) {
                    lo = Math.min(lo, y[i]);
                    hi = Math.max(hi, y[i]);
                }
            }
            for (int i = 0; i < m; i++) {
                if (Math.floor(ox[i]) == col) {
                    keptLo = Math.min(keptLo, oy[i]);
                    keptHi = Math.max(keptHi, oy[i]);
                }
            }
            assertThat(keptLo).as("column %d", col).isEqualTo(lo);
            assertThat(keptHi).as("column %d", col).isEqualTo(hi);
        }
        // fewer points than columns: nothing to drop
        assertThat(UsageDistributionView.reduce(new double[] {0, 1.5, 3}, new double[] {1, 2, 3}, 3, ox, oy)).isEqualTo(3);
    }

    @Test
    void aNewRunForgetsTheLastOne() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> view.start(Traces.header()));
        assertThat(Fx.call(view::rankCurve)).isEmpty();
        assertThat(Fx.call(view::titleText)).isEqualTo("no step yet");
    }

    @Test
    void manyAppendsCoalesceIntoOneRedraw() throws Exception {
        onStage.feed(Traces.steps());
        int before = Fx.call(view::redrawCount);
        Fx.run(() -> {
            for (int i = 0; i < 50; i++) {
                view.append(Traces.chain());
                view.layerProperty().set(i % 2);
            }
        });
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(view::redrawCount) - before).isEqualTo(1);
        assertThat(Fx.call(() -> view.usage().steps())).isEqualTo(53);
    }

    @Test
    void clickingAPointFocusesItsLayerAndExpertAndTheFocusedLayerIsOverlaidOrDrawnHeavier() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        // pooled: rank 0 is the most used (layer, expert) pair of all
        double[] top = Fx.call(() -> view.rankPoint(0));
        onStage.clickCanvas(top[0] + 1, top[1] + 1);
        int[] pair = Fx.call(() -> view.expertOfRank(0));   // the decoder layer's number, the expert
        ExpertUsage usage = Fx.call(view::usage);
        int position = usage.layerNumber(0) == pair[0] ? 0 : 1;   // Traces' MoE layers: 1 and 3
        assertThat(usage.layerNumber(position)).isEqualTo(pair[0]);
        double[] use = usage.usage(ExpertUsage.ALL_LAYERS, Measure.ROUTED_MASS);
        double max = java.util.Arrays.stream(use).max().orElseThrow();
        assertThat(use[position * Traces.EXPERTS + pair[1]]).as("rank 0 is the most used pair").isEqualTo(max);
        assertThat(Fx.call(focus::get)).isEqualTo(new TraceFocus(-1, pair[0], pair[1], -1));
        assertThat(Fx.call(view::focusedRank)).isZero();
        assertThat(Fx.call(view::overlaidLayer)).as("pooled curves: the focused layer's overlaid").isEqualTo(pair[0]);
        assertThat(Fx.call(view::isFocusedLayerShown)).isFalse();

        // the focused layer shown alone: its curves heavier, nothing overlaid, its expert's rank marked
        onStage.act(() -> view.layerProperty().set(position));
        assertThat(Fx.call(view::isFocusedLayerShown)).isTrue();
        assertThat(Fx.call(view::overlaidLayer)).isEqualTo(-1);
        int rank = Fx.call(view::focusedRank);
        assertThat(Fx.call(() -> view.expertOfRank(rank))).containsExactly(pair[0], pair[1]);

        // away from the curves, a click in a plot names the layer shown
        int other = 1 - position;
        onStage.act(() -> view.layerProperty().set(other));
        assertThat(Fx.call(view::overlaidLayer)).isEqualTo(pair[0]);
        double bottom = Fx.call(() -> ViewStage.figureCanvas(view).getHeight()) - UsageDistributionView.MARGIN_BOTTOM;
        onStage.clickCanvas(UsageDistributionView.MARGIN_LEFT + 4, bottom - 4);
        assertThat(Fx.call(focus::get)).isEqualTo(new TraceFocus(-1, usage.layerNumber(other), -1, -1));
        assertThat(Fx.call(view::isFocusedLayerShown)).isTrue();
    }

    @Test
    void theTitleSaysWhenTheRunSoFarSpansSettingsChanges() throws Exception {
        onStage.feed(CascadeTraces.steps().subList(0, 7));
        assertThat(Fx.call(view::titleText)).endsWith("\u2691 run spans a settings change at step 5: B 4 -> 6");
        onStage.feed(CascadeTraces.steps());
        assertThat(Fx.call(view::titleText)).endsWith("\u2691 run spans 2 settings changes, at steps 5, 9");
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::titleText)).doesNotContain(SettingsChange.FLAG);
    }
}
