package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.visualizers.ViewStage.distance;

import javafx.geometry.Bounds;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.ColorMaps;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class DraftTreeViewTest {

    private DraftTreeView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new DraftTreeView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 900, 500);
    }

    @Test
    void followsTheNewestStep() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        assertThat(Fx.call(view::nodeCount)).isEqualTo(4);
        assertThat(Fx.call(() -> view.layout().size())).isEqualTo(5); // and the bonus
    }

    @Test
    void selectSwitchesToThatStep() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        assertThat(Fx.call(view::nodeCount)).isEqualTo(6);
        onStage.select(0);
        assertThat(Fx.call(view::shownStep)).isZero();
        assertThat(Fx.call(view::nodeCount)).isEqualTo(1);
        onStage.select(-1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
    }

    @Test
    void drawsTheAcceptedPathHighlightedAndNodesColouredByMissingExperts() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        StepTrace step = Traces.branching();
        Canvas canvas = Fx.call(() -> (Canvas) view.node().lookup(".draft-tree").lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
        WritableImage image = Fx.call(() -> canvas.snapshot(null, null));
        Color accent = Fx.call(view::accentColor);
        int maxMissing = 2 * Traces.TOP_K;
        for (int node = 0; node < step.tree().size(); node++) {
            int n = node;
            boolean accepted = step.tree().isAccepted(node);
            assertThat(Fx.call(() -> view.isHighlighted(n))).isEqualTo(accepted);
            assertThat(Fx.call(() -> view.missingExperts(n))).isEqualTo(Traces.missing(step, node));
            Bounds b = Fx.call(() -> view.nodeBounds(n));
            // the outline, inside the node's left edge
            Color edge = image.getPixelReader().getColor((int) b.getMinX() + 1, (int) b.getCenterY());
            if (accepted) {
                assertThat(distance(edge, accent)).as("node %d's outline is the accent", node).isLessThan(0.1);
            } else {
                assertThat(distance(edge, accent)).as("node %d's outline is not the accent", node).isGreaterThan(0.3);
            }
            // the fill, just inside the outline and above the label
            Color fill = image.getPixelReader().getColor((int) b.getMinX() + 6, (int) b.getMinY() + 5);
            Color expected = ColorMaps.sequential((double) Traces.missing(step, node) / maxMissing);
            assertThat(distance(fill, expected)).as("node %d's fill", node).isLessThan(0.05);
            // hovering finds the node and tells its token, q, p and missing experts
            assertThat(Fx.call(() -> view.nodeAt(b.getCenterX(), b.getCenterY()))).isEqualTo(node);
            String tip = Fx.call(() -> view.describe(n));
            assertThat(tip).contains(step.tree().texts().get(node).strip()).contains("q ").contains("p ")
                    .contains("missing natural experts: " + Traces.missing(step, node));
        }
        // no two nodes overlap on screen; children are right of their parents
        for (int i = 0; i <= step.tree().size(); i++) {
            for (int j = i + 1; j <= step.tree().size(); j++) {
                int a = i;
                int c = j;
                assertThat(Fx.call(() -> view.nodeBounds(a).intersects(view.nodeBounds(c)))).isFalse();
            }
            if (i > 0 && i < step.tree().size()) {
                int a = i;
                int parent = step.tree().parents().get(i);
                assertThat(Fx.call(() -> view.nodeBounds(a).getMinX() > view.nodeBounds(parent).getMaxX())).isTrue();
            }
        }
    }

    @Test
    void coalescesManyCallsIntoOneRedraw() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(onStage.redrawsOfManyCalls(view::redrawCount)).isEqualTo(1);
    }

    @Test
    void clickingANodeFocusesItInItsStepAndTheFocusRingsIt() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        onStage.select(1);
        Bounds b = Fx.call(() -> view.nodeBounds(3));
        onStage.clickCanvas(b.getCenterX(), b.getCenterY());
        assertThat(Fx.call(focus::get)).as("the node, with the step it belongs to").isEqualTo(new TraceFocus(1, -1, -1, 3));
        assertThat(Fx.call(view::ringedNode)).isEqualTo(3);
        Canvas canvas = Fx.call(() -> ViewStage.figureCanvas(view));
        WritableImage image = Fx.call(() -> canvas.snapshot(null, null));
        // the ring runs just outside the box
        Color ring = image.getPixelReader().getColor((int) b.getMinX() - 3, (int) b.getCenterY());
        assertThat(distance(ring, FocusStyle.LIGHT)).isLessThan(0.1);
        Bounds other = Fx.call(() -> view.nodeBounds(2));
        Color noRing = image.getPixelReader().getColor((int) other.getMinX() - 3, (int) other.getCenterY());
        assertThat(distance(noRing, FocusStyle.LIGHT)).isGreaterThan(0.3);

        // a node is its step's: the focus moving to another step drops it
        onStage.focus(focus, focus.get().withStep(2));
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        assertThat(Fx.call(view::ringedNode)).isEqualTo(-1);
    }

    @Test
    void aFocusedLayerAndExpertDotTheNodesRoutedToThatExpert() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        // step 1, layer 1 (the first MoE layer) keeps {0, 1, 2, 3}: only node 1 (naturals 1 and 4, 4
        // replaced by 0) runs on expert 1
        onStage.focus(focus, new TraceFocus(1, 1, 1, -1));
        for (int node = 0; node < 6; node++) {
            int n = node;
            assertThat(Fx.call(() -> view.isRoutedToFocus(n))).as("node %d", node).isEqualTo(node == 1);
        }
        // expert 0 took every replacement in layer 1, so every node ran on it
        onStage.focus(focus, new TraceFocus(1, 1, 0, -1));
        for (int node = 0; node < 6; node++) {
            int n = node;
            assertThat(Fx.call(() -> view.isRoutedToFocus(n))).as("node %d", node).isTrue();
        }
        onStage.focus(focus, new TraceFocus(1, 1, -1, -1));
        assertThat(Fx.call(() -> view.isRoutedToFocus(0))).as("no expert, no dots").isFalse();
        onStage.focus(focus, new TraceFocus(1, 0, 0, -1));
        assertThat(Fx.call(() -> view.isRoutedToFocus(0))).as("layer 0 is dense: no routing, no dots").isFalse();
    }

    @Test
    void aTreeTooTallForTheViewScrollsWithEveryNodeOnTheCanvasInOneRedraw() throws Exception {
        StepTrace tall = Traces.tall(1);
        onStage.feed(java.util.List.of(Traces.prefill()));
        int redraws = onStage.redrawsOf(() -> view.append(tall), view::redrawCount);
        assertThat(redraws).as("scroll bars settle within the one redraw").isEqualTo(1);
        assertThat(Fx.call(view::nodeCount)).isEqualTo(128);
        Bounds canvas = Fx.call(view::canvasBounds);
        Bounds viewport = Fx.call(view::viewportBounds);
        assertThat(canvas.getHeight()).as("the canvas grows past the view").isGreaterThan(viewport.getHeight() + 100);
        assertThat(canvas.getWidth()).isCloseTo(viewport.getWidth(), org.assertj.core.data.Offset.offset(0.5));
        for (int node = 0; node <= tall.tree().size(); node++) {
            int n = node;
            Bounds b = Fx.call(() -> view.nodeBounds(n));
            assertThat(canvas.contains(b)).as("node %d at %s inside %s", node, b, canvas).isTrue();
            assertThat(b.getHeight()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_H);
            assertThat(Fx.call(() -> view.nodeAt(b.getCenterX(), b.getCenterY()))).isEqualTo(node);
        }
        // the lowest node is painted: a pixel of its outline or fill differs from the background
        Canvas c = Fx.call(() -> (Canvas) view.node().lookup(".draft-tree").lookupAll("Canvas").stream()
                .filter(n -> ((Canvas) n).getWidth() > 200).findFirst().orElseThrow());
        assertThat(Fx.call(c::getHeight)).as("the canvas stays the view's size; the plot scrolls under it")
                .isCloseTo(viewport.getHeight(), org.assertj.core.data.Offset.offset(0.5));
        onStage.act(() -> view.reveal(127));
        Bounds shown = Fx.call(view::viewportBounds);
        Bounds lowest = Fx.call(() -> view.nodeBounds(127));
        assertThat(shown.contains(lowest)).as("revealed: %s inside %s", lowest, shown).isTrue();
        WritableImage image = Fx.call(() -> c.snapshot(null, null));
        assertThat(distance(image.getPixelReader().getColor((int) (lowest.getMinX() - shown.getMinX()) + 6,
                (int) (lowest.getCenterY() - shown.getMinY())), Color.WHITE)).isGreaterThan(0.1);

        // a small tree fits the view again: no scrolling
        onStage.select(0);
        Bounds small = Fx.call(view::canvasBounds);
        assertThat(small.getHeight()).isCloseTo(Fx.call(view::viewportBounds).getHeight(),
                org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void captionsTheStepWhereTheSettingsChanged() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.select(5);
        assertThat(Fx.call(() -> view.stepLabel().getText()))
                .endsWith(" \u00b7 \u2691 settings changed at this step: B 4 -> 6");
        assertThat(Fx.call(() -> view.stepLabel().getPseudoClassStates()))
                .contains(FigureView.SETTINGS_CHANGED);
        onStage.select(9);
        assertThat(Fx.call(() -> view.stepLabel().getText())).endsWith("settings changed at this step: chain 4 -> chain 6");
        onStage.select(6);
        assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG)
                .doesNotContain("settings");
        assertThat(Fx.call(() -> view.stepLabel().getPseudoClassStates()))
                .doesNotContain(FigureView.SETTINGS_CHANGED);
    }

    @Test
    void aRunWhoseSettingsStayMarksNoStep() throws Exception {
        onStage.feed(Traces.steps());
        for (int i = 0; i < 3; i++) {
            onStage.select(i);
            assertThat(Fx.call(() -> view.stepLabel().getText())).doesNotContain(SettingsChange.FLAG);
        }
    }
}
