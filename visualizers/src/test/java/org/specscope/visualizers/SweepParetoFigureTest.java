package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;

/**
 * The sweep's Pareto chart as a figure, painted without the JavaFX toolkit: its SVG keeps the
 * axis titles, the legend and the point labels as text, and every point lies inside the axes,
 * below the legend row.
 */
class SweepParetoFigureTest {

    @TempDir
    Path tmp;

    private SweepParetoFigure figure() throws Exception {
        SweepParetoFigure figure = new SweepParetoFigure();
        figure.setResults(SweepResults.read(SweepResultsTest.realSweep(tmp.resolve("sw"))));
        return figure;
    }

    @Test
    void theSvgHasAxesLegendCaptionAndPointLabelsAsText() throws Exception {
        SweepParetoFigure figure = figure();
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 900, 480)));

        assertThat(texts).contains("speedup vs autoregressive  \u2192 better", "exact match with unbudgeted",
                "substitute", "truncate", "unbudgeted", "Pareto frontier", "B=8, acc 2.50", "1.00");
        assertThat(texts).anyMatch(t -> t.startsWith("specscope-moe-mini, drafter draft_model, cost model: H100"));
        assertThat(texts).anyMatch(t -> t.startsWith("unbudgeted, acc "));
        assertThat(figure.frontierSettings()).containsExactly("B=16 truncate", "B=8 substitute", "B=8 truncate");
    }

    @Test
    void everyPointIsInsideThePlotAreaBelowTheLegend() throws Exception {
        SweepParetoFigure figure = figure();
        for (Speed speed : Speed.values()) {
            for (Quality quality : Quality.values()) {
                figure.setSpeed(speed);
                figure.setQuality(quality);
                SvgExport.toSvg(figure, 700, 400);
                Bounds plot = figure.plotArea();
                assertThat(plot.getMinY()).as("the plot starts below the caption and legend rows")
                        .isGreaterThanOrEqualTo(TraceFigure.LEGEND_ROW + SweepParetoFigure.TOP);
                assertThat(plot.getMaxX()).isLessThanOrEqualTo(700);
                assertThat(plot.getMaxY()).isLessThanOrEqualTo(400);
                assertThat(figure.drawnSettings()).hasSize(5);
                for (String setting : figure.drawnSettings()) {
                    Point2D c = figure.centre(setting);
                    assertThat(plot.contains(c)).as("%s at %s inside %s (%s, %s)", setting, c, plot, speed, quality)
                            .isTrue();
                }
            }
        }
        // Kept experts are a cost: the axis says fewer is better.
        assertThat(SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 700, 400))))
                .contains("mean kept experts per layer  \u2190 better", "top-1 agreement");
    }

    @Test
    void theScreenPlotLeavesTheCaptionToTheViewAndThePngHasTheThemesBackground() throws Exception {
        SweepParetoFigure figure = figure();
        figure.setTheme(Themes.DARK);
        BufferedImage image = new BufferedImage(1000, 300, BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g2 = image.createGraphics();
        figure.paintPlot(new Graphics2DFigureGraphics(g2), 1000, 300);
        g2.dispose();
        // on screen only the legend, one row at this width, is above the plot: the caption is the view's label
        assertThat(figure.plotArea().getMinY()).isEqualTo(TraceFigure.LEGEND_ROW + SweepParetoFigure.TOP);
        assertThat(image.getRGB(2, 299) & 0xffffff).isEqualTo(0x1e1f22);
        SvgExport.toSvg(figure, 1000, 300);
        assertThat(figure.plotArea().getMinY()).as("the export's caption comes on top")
                .isGreaterThan(TraceFigure.LEGEND_ROW + SweepParetoFigure.TOP);

        BufferedImage png = PngExport.toImage(figure, 600, 300, 2);
        assertThat(png.getWidth()).isEqualTo(1200);
        assertThat(png.getRGB(1, 599) & 0xffffff).isEqualTo(0x1e1f22);
    }

    @Test
    void withoutBudgetsItSaysSoAndWithoutResultsItIsBlank() throws Exception {
        SweepParetoFigure figure = new SweepParetoFigure();
        assertThat(figure.caption()).isEqualTo("no sweep");
        assertThat(SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 400, 300)))).containsExactly("no sweep");

        SweepResults full = SweepResults.read(SweepResultsTest.realSweep(tmp.resolve("sw")));
        figure.setResults(new SweepResults(full.directory(), full.model(), full.experts(), full.drafter(), full.clock(),
                full.tree(), full.points().stream().filter(SweepResults.Point::isAutoregressive).toList()));
        assertThat(SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 700, 300))))
                .contains(SweepParetoFigure.EMPTY);
        assertThat(figure.drawnSettings()).isEmpty();
    }
}
