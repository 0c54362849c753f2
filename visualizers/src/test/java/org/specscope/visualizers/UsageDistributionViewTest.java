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

    @Start
    void start(Stage stage) {
        view = new UsageDistributionView();
        Scene scene = new Scene((javafx.scene.Parent) view.node(), 1000, 500);
        scene.getStylesheets().add(Themes.LIGHT.stylesheet());
        stage.setScene(scene);
        stage.show();
    }

    private void feed(List<StepTrace> steps) throws Exception {
        Fx.run(() -> {
            view.start(Traces.header());
            steps.forEach(view::append);
        });
        Fx.awaitPulse(view::isRedrawPending);
    }

    private void onFx(Runnable r) throws Exception {
        Fx.run(r);
        Fx.awaitPulse(view::isRedrawPending);
    }

    @Test
    void drawsThePooledCurvesOfEveryStepSoFar() throws Exception {
        List<StepTrace> steps = new SyntheticRun(3, 32, 4, 16, 8, 11).steps(6);
        feed(steps);
        ExpertUsage expected = new ExpertUsage();
        steps.forEach(expected::add);
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(ExpertUsage.ALL_LAYERS));
        assertThat(Fx.call(view::cumulativeCurve).share())
                .containsExactly(expected.cumulativeShare(ExpertUsage.ALL_LAYERS).share());
        assertThat(Fx.call(view::titleText)).contains("all 3 layers pooled").contains("6 steps").contains("96 experts");
        // selecting a step does not change the run-so-far view
        onFx(() -> view.select(1));
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(ExpertUsage.ALL_LAYERS));
    }

    @Test
    void layerAndMeasureChooseTheCurve() throws Exception {
        feed(Traces.steps());
        onFx(() -> {
            view.layerProperty().set(1);
            view.measureProperty().set(Measure.NATURAL_SELECTIONS);
        });
        ExpertUsage expected = new ExpertUsage();
        Traces.steps().forEach(expected::add);
        assertThat(Fx.call(view::rankCurve)).containsExactly(expected.sortedUsage(1, Measure.NATURAL_SELECTIONS));
        assertThat(Fx.call(view::cumulativeCurve).share())
                .containsExactly(expected.cumulativeShare(1, Measure.NATURAL_SELECTIONS).share());
        // Traces' 11 nodes name every expert of 8 at least once
        assertThat(Fx.call(view::unusedExperts)).isZero();
        assertThat(Fx.call(view::titleText)).contains("layer 1").contains("natural selections");
    }

    @Test
    void aNewRunForgetsTheLastOne() throws Exception {
        feed(Traces.steps());
        onFx(() -> view.start(Traces.header()));
        assertThat(Fx.call(view::rankCurve)).isEmpty();
        assertThat(Fx.call(view::titleText)).isEqualTo("no step yet");
    }

    @Test
    void manyAppendsCoalesceIntoOneRedraw() throws Exception {
        feed(Traces.steps());
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
}
