package org.specscope.visualizers;

import static org.specscope.visualizers.ViewStage.distance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.ColorMaps;
import org.specscope.styles.Themes;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ExpertHeatmapViewTest {

    private ExpertHeatmapView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new ExpertHeatmapView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 1000, 600);
    }


    /** The expert's share of the layer's full-softmax mass, computed from the record alone. */
    private static double share(LayerTrace l, int expert) {
        double total = 0;
        for (int e = 0; e < l.numExperts(); e++) {
            total += l.mass().get(e);
        }
        return l.mass().get(expert) / total;
    }

    @Test
    void cellsAreEachExpertsShareOfTheNewestStepsRoutingMass() throws Exception {
        onStage.feed(Traces.steps());
        StepTrace newest = Traces.chain();
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        assertThat(Fx.call(view::rows)).isEqualTo(newest.layers().size());
        assertThat(Fx.call(view::experts)).isEqualTo(Traces.EXPERTS);
        for (int l = 0; l < newest.layers().size(); l++) {
            double rowSum = 0;
            for (int e = 0; e < Traces.EXPERTS; e++) {
                int layer = l;
                int expert = e;
                double value = Fx.call(() -> view.cellValue(layer, expert));
                assertThat(value).as("layer %d expert %d", l, e).isCloseTo(share(newest.layers().get(l), e), within(1e-9));
                rowSum += value;
            }
            assertThat(rowSum).isCloseTo(1, within(1e-9));
        }
    }

    @Test
    void keptSetIsOutlinedAndSubstitutionsAreMarked() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> view.select(1));
        StepTrace step = Traces.branching();
        for (int l = 0; l < step.layers().size(); l++) {
            LayerTrace layer = step.layers().get(l);
            boolean[] leftOut = new boolean[Traces.EXPERTS];
            boolean[] replacement = new boolean[Traces.EXPERTS];
            for (int node = 0; node < layer.nodes(); node++) {
                for (LayerTrace.Substitution s : layer.substitutions(node)) {
                    leftOut[s.natural()] = true;
                    if (s.replacement() >= 0) {
                        replacement[s.replacement()] = true;
                    }
                }
            }
            for (int e = 0; e < Traces.EXPERTS; e++) {
                int li = l;
                int expert = e;
                assertThat(Fx.call(() -> view.isKeptOutlined(li, expert))).as("layer %d expert %d kept", l, e)
                        .isEqualTo(layer.kept().contains(e));
                ExpertHeatmapView.Mark expected = leftOut[e] ? ExpertHeatmapView.Mark.LEFT_OUT
                        : replacement[e] ? ExpertHeatmapView.Mark.REPLACEMENT : ExpertHeatmapView.Mark.NONE;
                assertThat(Fx.call(() -> view.markAt(li, expert))).as("layer %d expert %d mark", l, e)
                        .isEqualTo(expected);
            }
        }
        // the first row, layer 1, keeps {0,1,2,3}: node 1's natural 4 ran on expert 0 instead
        assertThat(Fx.call(() -> view.markAt(0, 4))).isEqualTo(ExpertHeatmapView.Mark.LEFT_OUT);
        assertThat(Fx.call(() -> view.markAt(0, 0))).isEqualTo(ExpertHeatmapView.Mark.REPLACEMENT);
        String tip = Fx.call(() -> view.describe(0, 4));
        assertThat(tip).contains("layer 1 (MoE layer 1 of 2)").contains("expert 4").contains("mass ").contains("kept: no")
                .contains("substituted: yes");
        assertThat(Fx.call(() -> view.describe(0, 1))).contains("kept: yes").contains("substituted: no");
    }

    @Test
    void selectSwitchesStepsAndTheWindowAveragesTheLastSteps() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> view.select(1));
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        assertThat(Fx.call(() -> view.cellValue(0, 5)))
                .isCloseTo(share(Traces.branching().layers().get(0), 5), within(1e-9));
        onStage.act(() -> view.select(0));
        assertThat(Fx.call(view::shownStep)).isZero();
        assertThat(Fx.call(() -> view.cellValue(0, 0))).isCloseTo(0.5, within(1e-9)); // the root alone: experts 0, 3

        onStage.act(() -> {
            view.select(2);
            view.windowProperty().set(2);
        });
        assertThat(Fx.call(view::windowSteps)).isEqualTo(2);
        for (int l = 0; l < 2; l++) {
            for (int e = 0; e < Traces.EXPERTS; e++) {
                double expected = (share(Traces.branching().layers().get(l), e) + share(Traces.chain().layers().get(l), e)) / 2;
                int li = l;
                int expert = e;
                assertThat(Fx.call(() -> view.cellValue(li, expert))).isCloseTo(expected, within(1e-9));
            }
        }
        onStage.act(() -> view.windowProperty().set(10)); // clipped at the run's start
        assertThat(Fx.call(view::windowSteps)).isEqualTo(3);
        onStage.act(() -> view.select(-1));
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
    }

    @Test
    void cellsArePaintedOnTheViridisScaleUpToTheHottestCell() throws Exception {
        onStage.feed(Traces.steps());
        Canvas canvas = Fx.call(() -> (Canvas) view.node().lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
        WritableImage snap = Fx.call(() -> canvas.snapshot(null, null));
        double max = Fx.call(view::maxValue);
        for (int l = 0; l < 2; l++) {
            for (int e = 0; e < Traces.EXPERTS; e++) {
                int li = l;
                int expert = e;
                int expected = ColorMaps.SEQUENTIAL.argb(Fx.call(() -> view.cellValue(li, expert)) / max);
                assertThat(Fx.call(() -> view.cellArgb(li, expert)) & 0xFFFFFF)
                        .isCloseTo(expected & 0xFFFFFF, within(0x040404 + 1));
                // on screen: a point away from the centre mark and the outline
                double[] c = Fx.call(() -> view.cellCentre(li, expert));
                int onScreen = snap.getPixelReader().getArgb((int) c[0] + 20, (int) c[1] + 40);
                assertThat(channelDistance(onScreen, expected)).as("layer %d expert %d on screen", l, e).isLessThan(12);
            }
        }
    }

    private static int channelDistance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift < 24; shift += 8) {
            d += Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
        }
        return d;
    }

    private Canvas canvas() throws Exception {
        return Fx.call(() -> (Canvas) view.node().lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
    }

    private static final int KEPT = 0xFFFF2E88;

    @Test
    void keptOutlinesAndMarksArePaintedIntoTheCells() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> view.select(1)); // layer 0 keeps {0,1,2,3}; natural 4 left out, 0 its replacement
        WritableImage snap = Fx.call(() -> canvas().snapshot(null, null));
        // the outline is the kept cell's border pixels; a cell outside the kept set has none
        double[] kept = Fx.call(() -> view.cellBounds(0, 1));
        assertThat(snap.getPixelReader().getArgb((int) kept[0], (int) (kept[1] + kept[3] / 2))).isEqualTo(KEPT);
        assertThat(snap.getPixelReader().getArgb((int) (kept[0] + kept[2] / 2), (int) kept[1])).isEqualTo(KEPT);
        double[] notKept = Fx.call(() -> view.cellBounds(0, 6));
        assertThat(snap.getPixelReader().getArgb((int) notKept[0], (int) (notKept[1] + notKept[3] / 2)))
                .isEqualTo(Fx.call(() -> view.cellArgb(0, 6)));
        // a mark covers the centre of a left-out and of a replacement cell, in black or white ink
        for (int expert : new int[] {4, 0}) {
            double[] c = Fx.call(() -> view.cellCentre(0, expert));
            int ink = snap.getPixelReader().getArgb((int) c[0], (int) c[1]);
            assertThat(ink).as("expert %d", expert).isIn(0xFF000000, 0xFFFFFFFF);
        }
        int plain = 0;
        for (int e = 0; e < Traces.EXPERTS; e++) {
            int expert = e;
            if (Fx.call(() -> view.markAt(0, expert)) == ExpertHeatmapView.Mark.NONE) {
                double[] c = Fx.call(() -> view.cellCentre(0, expert));
                assertThat(snap.getPixelReader().getArgb((int) c[0], (int) c[1])).as("expert %d, no mark", e)
                        .isEqualTo(Fx.call(() -> view.cellArgb(0, expert)));
                plain++;
            }
        }
        assertThat(plain).isPositive();
    }

    @Test
    void cellsTileTheGridInWholePixels() throws Exception {
        onStage.feed(new SyntheticRun(48, 128, 8, 64, 32, 7).steps(2));
        double[] first = Fx.call(() -> view.cellBounds(0, 0));
        double[] last = Fx.call(() -> view.cellBounds(47, 127));
        double gridW = Fx.call(() -> canvas().getWidth()) - ExpertHeatmapView.LEFT - ExpertHeatmapView.RIGHT;
        assertThat(last[0] + last[2] - first[0]).isEqualTo(Math.floor(gridW));
        for (int e = 0; e < 128; e++) {
            int expert = e;
            double[] b = Fx.call(() -> view.cellBounds(20, expert));
            assertThat(b[0]).isEqualTo(Math.rint(b[0]));
            assertThat(b[2]).isBetween(Math.floor(first[2]) - 1, Math.floor(first[2]) + 1);
            if (e > 0) {
                double[] prev = Fx.call(() -> view.cellBounds(20, expert - 1));
                assertThat(prev[0] + prev[2]).isEqualTo(b[0]); // abutting: no gaps, no overlaps
            }
            // the hover agrees with the painted cell, to its first and last pixel
            assertThat(Fx.call(() -> view.cellAt(b[0], b[1]))).isEqualTo(new ExpertHeatmapView.Cell(20, expert));
            assertThat(Fx.call(() -> view.cellAt(b[0] + b[2] - 0.01, b[1] + b[3] - 0.01)))
                    .isEqualTo(new ExpertHeatmapView.Cell(20, expert));
        }
    }

    @Test
    void theImageIsRebakedForNewDataOrSizeButNotForATheme() throws Exception {
        onStage.feed(Traces.steps());
        int builds = Fx.call(view::imageBuildCount);
        onStage.act(() -> view.themeProperty().set(Themes.DARK));
        assertThat(Fx.call(view::imageBuildCount)).isEqualTo(builds);
        onStage.act(() -> view.select(1));
        assertThat(Fx.call(view::imageBuildCount)).isEqualTo(builds + 1);
        onStage.act(() -> view.node().getScene().getWindow().setWidth(800));
        assertThat(Fx.call(view::imageBuildCount)).isEqualTo(builds + 2);
    }

    @Test
    void imageSizeIsTheGridsUnlessCappedAndAtLeastOnePixelPerCell() {
        assertThat(ExpertHeatmapView.imageSize(1144, 662, 128, 48, true)).isEqualTo(1144);
        assertThat(ExpertHeatmapView.imageSize(100, 30, 128, 48, true)).isEqualTo(128);
        assertThat(ExpertHeatmapView.imageSize(100, 30, 128, 48, false)).isEqualTo(48);
        int w = ExpertHeatmapView.imageSize(4000, 2200, 128, 48, true);
        int h = ExpertHeatmapView.imageSize(4000, 2200, 128, 48, false);
        assertThat((long) w * h).isLessThanOrEqualTo(ExpertHeatmapView.MAX_IMAGE_PIXELS);
        for (int p = 0; p < 1144; p++) {
            int cell = ExpertHeatmapView.cellOf(p, 128, 1144);
            assertThat(ExpertHeatmapView.edge(cell, 128, 1144)).isLessThanOrEqualTo(p);
            assertThat(ExpertHeatmapView.edge(cell + 1, 128, 1144)).isGreaterThan(p);
        }
    }

    @Test
    void hoverFindsTheCellUnderThePointer() throws Exception {
        onStage.feed(Traces.steps());
        double[] c = Fx.call(() -> view.cellCentre(1, 6));
        assertThat(Fx.call(() -> view.cellAt(c[0], c[1]))).isEqualTo(new ExpertHeatmapView.Cell(1, 6));
        assertThat(Fx.call(() -> view.cellAt(1, 1))).isNull();
    }

    @Test
    void manyAppendsCoalesceIntoOneRedrawAndOneRecomputation() throws Exception {
        onStage.feed(Traces.steps());
        int redraws = Fx.call(view::redrawCount);
        int models = Fx.call(view::modelComputeCount);
        Fx.run(() -> {
            for (int i = 0; i < 50; i++) {
                view.append(Traces.chain());
                view.select(i % 3);
            }
        });
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(view::redrawCount) - redraws).isEqualTo(1);
        assertThat(Fx.call(view::modelComputeCount) - models).isEqualTo(1);
        // a theme change redraws without recomputing
        onStage.act(() -> view.themeProperty().set(Themes.DARK));
        assertThat(Fx.call(view::redrawCount) - redraws).isEqualTo(2);
        assertThat(Fx.call(view::modelComputeCount) - models).isEqualTo(1);
    }

    @Test
    void drawsAModelSizedGrid() throws Exception {
        SyntheticRun run = new SyntheticRun(48, 128, 8, 64, 32, 7);
        List<StepTrace> steps = run.steps(3);
        onStage.feed(steps);
        assertThat(Fx.call(view::rows)).isEqualTo(48);
        assertThat(Fx.call(view::experts)).isEqualTo(128);
        LayerTrace l = steps.get(2).layers().get(47);
        for (int e = 0; e < 128; e++) {
            int expert = e;
            assertThat(Fx.call(() -> view.cellValue(47, expert))).isCloseTo(share(l, e), within(1e-6));
            assertThat(Fx.call(() -> view.isKeptOutlined(47, expert))).isEqualTo(l.isKept(e));
        }
    }

    @Test
    void clickingACellFocusesItsLayerAndExpertAndTheFocusOutlinesTheirRowAndColumn() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        double[] centre = Fx.call(() -> view.cellCentre(1, 5));
        onStage.clickCanvas(centre[0], centre[1]);
        int layer = Fx.call(() -> view.layerNumber(1));
        assertThat(Fx.call(focus::get)).as("a cell names a layer and an expert, not a step")
                .isEqualTo(new TraceFocus(-1, layer, 5, -1));
        assertThat(Fx.call(view::highlightedRow)).isEqualTo(1);
        assertThat(Fx.call(view::highlightedExpert)).isEqualTo(5);
        // on screen: the row's outline along its top edge, the column's along its left edge
        double[] row = Fx.call(() -> view.cellBounds(1, 2));
        double[] column = Fx.call(() -> view.cellBounds(0, 5));
        WritableImage snap = Fx.call(() -> canvas().snapshot(null, null));
        assertThat(distance(snap.getPixelReader().getColor((int) (row[0] + row[2] / 2), (int) row[1]), FocusStyle.LIGHT))
                .isLessThan(0.1);
        assertThat(distance(snap.getPixelReader().getColor((int) column[0], (int) (column[1] + column[3] / 2)),
                FocusStyle.LIGHT)).isLessThan(0.1);

        // another view's pick moves the outlines, and a focus without layer or expert has none
        onStage.focus(focus, new TraceFocus(-1, Fx.call(() -> view.layerNumber(0)), 2, -1));
        assertThat(Fx.call(view::highlightedRow)).isZero();
        assertThat(Fx.call(view::highlightedExpert)).isEqualTo(2);
        onStage.focus(focus, TraceFocus.ofStep(1));
        assertThat(Fx.call(view::shownStep)).as("the focus's step is shown").isEqualTo(1);
        assertThat(Fx.call(view::highlightedRow)).isEqualTo(-1);
        assertThat(Fx.call(view::highlightedExpert)).isEqualTo(-1);
        snap = Fx.call(() -> canvas().snapshot(null, null));
        assertThat(distance(snap.getPixelReader().getColor((int) (row[0] + row[2] / 2), (int) row[1]), FocusStyle.LIGHT))
                .isGreaterThan(0.3);
    }

    @Test
    void theCaptionSaysWhenTheShownStepOrTheAveragedWindowSpansASettingsChange() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.act(() -> view.select(5));
        assertThat(Fx.call(() -> view.stepLabel().getText()))
                .endsWith("\u2691 settings changed at this step: B 4 -> 6");
        onStage.act(() -> view.windowProperty().set(3));
        onStage.act(() -> view.select(6)); // steps 4, 5, 6: B 4 then B 6
        assertThat(Fx.call(() -> view.stepLabel().getText())).contains("mean of 3 steps")
                .endsWith("\u2691 window spans a settings change at step 5: B 4 -> 6");
        onStage.act(() -> view.select(7)); // steps 5, 6, 7: all B 6
        assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG);
        onStage.act(() -> view.windowProperty().set(6));
        onStage.act(() -> view.select(10)); // steps 5..10: one change, at 9
        assertThat(Fx.call(() -> view.stepLabel().getText()))
                .endsWith("window spans a settings change at step 9: chain 4 -> chain 6");
        onStage.act(() -> view.windowProperty().set(14));
        onStage.act(() -> view.select(-1)); // the whole run
        assertThat(Fx.call(() -> view.stepLabel().getText()))
                .endsWith("\u2691 window spans 2 settings changes, at steps 5, 9");
        onStage.act(() -> view.windowProperty().set(1));
        onStage.act(() -> view.select(8));
        assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG);
    }

    @Test
    void aRunWhoseSettingsStayMarksNoWindow() throws Exception {
        onStage.feed(Traces.steps());
        onStage.act(() -> view.windowProperty().set(3));
        assertThat(Fx.call(() -> view.stepLabel().getText())).contains("mean of 3 steps")
                .doesNotContain(SettingsChange.FLAG);
    }
}
