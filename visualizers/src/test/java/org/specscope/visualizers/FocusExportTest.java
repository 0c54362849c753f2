package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;
import org.specscope.engine.trace.StepTrace;

/**
 * The focus lives in the figures, not in their views: a figure painted for a file (here into an
 * image through {@link Graphics2DFigureGraphics}, as the PNG and SVG exports paint) shows the
 * highlight the screen shows, with no JavaFX toolkit running.
 */
class FocusExportTest {

    private static final int W = 900;
    private static final int H = 420;

    private static <F extends TraceFigure> F fed(F figure, List<StepTrace> steps, int select) {
        figure.start(Traces.header());
        steps.forEach(figure::append);
        figure.select(select);
        return figure;
    }

    private static BufferedImage plot(TraceFigure figure) {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        figure.paintPlot(new Graphics2DFigureGraphics(g), W, H);
        g.dispose();
        return image;
    }

    /** Pixels within a small distance of the light theme's focus colour. */
    private static int focusPixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int argb = image.getRGB(x, y);
                Color c = Color.rgb(argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF);
                if (ViewStage.distance(c, FocusStyle.LIGHT) < 0.08) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void theHeatmapOutlinesTheFocusedRowAndColumnInTheFile() {
        ExpertHeatmapFigure figure = fed(new ExpertHeatmapFigure(), Traces.steps(), 1);
        assertThat(focusPixels(plot(figure))).as("no focus, no outline").isZero();
        figure.setFocus(new TraceFocus(-1, 1, 5, -1));
        BufferedImage image = plot(figure);
        double[] row = figure.cellBounds(1, 2, W, H);
        int onRow = image.getRGB((int) (row[0] + row[2] / 2), (int) row[1]);
        assertThat(ViewStage.distance(Color.rgb(onRow >> 16 & 0xFF, onRow >> 8 & 0xFF, onRow & 0xFF), FocusStyle.LIGHT))
                .isLessThan(0.1);
        assertThat(focusPixels(image)).isGreaterThan(W);
    }

    @Test
    void theDraftTreeRingsTheFocusedNodeInTheFile() {
        DraftTreeFigure figure = fed(new DraftTreeFigure(), Traces.steps(), 1);
        figure.setFocus(new TraceFocus(2, -1, -1, 3));
        assertThat(focusPixels(plot(figure))).as("a node of another step").isZero();
        figure.setFocus(new TraceFocus(1, -1, -1, 3));
        BufferedImage image = plot(figure);
        Bounds b = figure.bounds()[3];
        int ring = image.getRGB((int) b.getMinX() - 3, (int) b.getCenterY());
        assertThat(ViewStage.distance(Color.rgb(ring >> 16 & 0xFF, ring >> 8 & 0xFF, ring & 0xFF), FocusStyle.LIGHT))
                .isLessThan(0.1);
    }

    @Test
    void distinctExpertsAndUsageMarkTheFocusedLayerInTheFile() {
        DistinctExpertsFigure bars = fed(new DistinctExpertsFigure(), Traces.steps(), 1);
        assertThat(focusPixels(plot(bars))).isZero();
        bars.setFocus(new TraceFocus(1, 1, -1, -1));
        assertThat(focusPixels(plot(bars))).isGreaterThan(100);

        UsageDistributionFigure usage = fed(new UsageDistributionFigure(), Traces.steps(), -1);
        assertThat(focusPixels(plot(usage))).isZero();
        usage.setFocus(new TraceFocus(-1, 1, 3, -1));
        assertThat(focusPixels(plot(usage))).as("layer 1 overlaid on the pooled curves, expert 3 marked")
                .isGreaterThan(50);
        assertThat(usage.overlaidLayer()).isEqualTo(1);
    }

    @Test
    void theTokenStreamRingsTheFocusedNodesTokenInTheFile() {
        TokenStreamFigure figure = fed(new TokenStreamFigure(), Traces.steps(), -1);
        assertThat(focusPixels(plot(figure))).isZero();
        figure.setFocus(new TraceFocus(1, -1, -1, 3));   // step 1's " sat"
        assertThat(figure.focusedToken().text()).isEqualTo(" sat");
        assertThat(focusPixels(plot(figure))).isGreaterThan(20);
        figure.setFocus(new TraceFocus(1, -1, -1, 99));
        assertThat(figure.focusedToken()).as("a node the step's stream does not show").isNull();
    }

    @Test
    void theSubstitutionsOutlineTheFocusedRowInTheFile() {
        SubstitutionsFigure figure = fed(new SubstitutionsFigure(), Traces.steps(), 1);
        assertThat(focusPixels(plot(figure))).isZero();
        figure.setFocus(new TraceFocus(1, 1, 4, -1));   // layer 1's "e4 -> e0" (the first MoE layer)
        BufferedImage image = plot(figure);
        assertThat(figure.focusedRow()).isEqualTo(new SubstitutionsFigure.RowIndex(0, 0));
        assertThat(figure.focusedRowY()).isEqualTo(figure.paintedRows().get(1).y());
        assertThat(focusPixels(image)).isGreaterThan(W);
        figure.setFocus(new TraceFocus(1, 99, -1, -1));
        assertThat(figure.focusedRow()).as("a layer the step lacks").isNull();
    }
}
