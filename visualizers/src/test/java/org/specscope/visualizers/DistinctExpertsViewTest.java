package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.specscope.visualizers.ViewStage.distance;

import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.DistinctExpertStats.LayerCounts;
import org.specscope.visualizers.DistinctExpertStats.Measure;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class DistinctExpertsViewTest {

    private DistinctExpertsView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new DistinctExpertsView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 900, 420);
    }

    @Test
    void barsAreTheSelectedStepsCountsPerLayer() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        StepTrace step = Traces.branching();
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        List<LayerCounts> counts = Fx.call(view::shownCounts);
        assertThat(counts).hasSize(step.layers().size());
        Canvas canvas = Fx.call(() -> (Canvas) view.node().lookup(".distinct-experts").lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
        WritableImage image = Fx.call(() -> canvas.snapshot(null, null));
        for (int i = 0; i < counts.size(); i++) {
            LayerCounts expected = DistinctExpertStatsTest.independently(step, step.layers().get(i));
            assertThat(counts.get(i)).isEqualTo(expected);
            for (Measure m : Measure.values()) {
                int layer = i;
                Bounds b = Fx.call(() -> view.barBounds(layer, m));
                assertThat(b.getMinY()).isCloseTo(Fx.call(() -> view.yOf(expected.get(m))), offset(0.01));
                assertThat(b.getMaxY()).isCloseTo(Fx.call(() -> view.yOf(0)), offset(0.01));
                Color fill = image.getPixelReader().getColor((int) b.getCenterX(), (int) b.getMaxY() - 3);
                assertThat(distance(fill, Fx.call(() -> view.measureColor(m)))).as("layer %d %s", i, m)
                        .isLessThan(0.05);
            }
            // groups side by side, in layer order
            if (i > 0) {
                int layer = i;
                assertThat(Fx.call(() -> view.barBounds(layer, Measure.TREE_NATURAL).getMinX()))
                        .isGreaterThan(Fx.call(() -> view.barBounds(layer - 1, Measure.ACCEPTED_NATURAL).getMaxX()));
            }
        }
        // the hover names the layer, its counts and its summaries
        Bounds b = Fx.call(() -> view.barBounds(1, Measure.TREE_USED));
        int layer = Fx.call(() -> view.layerAt(b.getCenterX(), b.getCenterY()));
        assertThat(layer).isEqualTo(1);
        assertThat(Fx.call(() -> view.describe(1))).contains("layer 3, step 1").contains("P90").contains("over 3 steps");
    }

    @Test
    void summariesCoverAllStepsSoFarWhicheverStepIsShown() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(0);
        DistinctExpertStats stats = Fx.call(view::stats);
        List<StepTrace> steps = Traces.steps();
        for (int position : List.of(0, 1)) {
            int layer = steps.getFirst().layers().get(position).layer();   // MoE layers 1 and 3
            for (Measure m : Measure.values()) {
                int[] sample = steps.stream()
                        .mapToInt(s -> DistinctExpertStatsTest.independently(s, s.layers().get(position)).get(m))
                        .toArray();
                var sum = stats.summary(layer, m);
                assertThat(sum.steps()).isEqualTo(3);
                assertThat(sum.mean()).isEqualTo(DistinctExpertStats.mean(sample));
                assertThat(sum.p90()).isEqualTo(DistinctExpertStats.percentile(sample, 90));
                assertThat(sum.p99()).isEqualTo(DistinctExpertStats.percentile(sample, 99));
            }
        }
    }

    @Test
    void selectSwitchesSteps() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        onStage.select(0);
        assertThat(Fx.call(view::shownStep)).isZero();
        assertThat(Fx.call(view::shownCounts)).isEqualTo(DistinctExpertStats.counts(Traces.prefill()));
        onStage.select(-1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        assertThat(Fx.call(view::shownCounts)).isEqualTo(DistinctExpertStats.counts(Traces.chain()));
    }

    @Test
    void aStepWithoutMoeLayersDrawsNoBars() throws Exception {
        StepTrace p = Traces.prefill();
        StepTrace dense = new StepTrace(0, p.settings(), p.tree(), List.of(), p.emittedIds(), p.emittedText(),
                p.timings(), p.controller(), 0, 0, null);
        onStage.feed(List.of(dense));
        assertThat(Fx.call(view::shownStep)).isZero();
        assertThat(Fx.call(view::shownCounts)).isEmpty();
    }

    @Test
    void coalescesManyCallsIntoOneRedraw() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(onStage.redrawsOfManyCalls(view::redrawCount)).isEqualTo(1);
    }

    @Test
    void clickingALayersBarsFocusesThatLayerInTheShownStepAndTheFocusOutlinesItsGroup() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        Bounds bar = Fx.call(() -> view.barBounds(1, Measure.TREE_USED));
        onStage.clickCanvas(bar.getCenterX(), bar.getMaxY() - 2);
        int layer = Fx.call(() -> view.shownCounts().get(1).layer());
        assertThat(Fx.call(focus::get)).as("the layer, in the step shown (the newest, now pinned)")
                .isEqualTo(new TraceFocus(2, layer, -1, -1));
        assertThat(Fx.call(view::highlightedGroup)).isEqualTo(1);

        onStage.focus(focus, new TraceFocus(1, Fx.call(() -> view.shownCounts().get(0).layer()), 3, -1));
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        assertThat(Fx.call(view::highlightedGroup)).isZero();
        onStage.focus(focus, TraceFocus.ofStep(1));
        assertThat(Fx.call(view::highlightedGroup)).isEqualTo(-1);
    }

    @Test
    void captionsTheStepWhereTheSettingsChangedAndNoOther() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.select(5);
        assertThat(Fx.call(() -> view.stepLabel().getText()))
                .startsWith("step 5 ").endsWith("\u2691 settings changed at this step: B 4 -> 6");
        onStage.select(4);
        assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG);
        onStage.select(-1); // the newest, step 13, ran step 9's settings
        assertThat(Fx.call(() -> view.stepLabel().getText())).startsWith("step 13").doesNotContain(SettingsChange.FLAG);
        onStage.feed(Traces.steps());
        for (int i = 0; i < 3; i++) {
            onStage.select(i);
            assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG);
        }
    }
}
