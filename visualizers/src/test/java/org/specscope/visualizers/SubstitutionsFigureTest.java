package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.specscope.visualizers.SubstitutionsFigure.Columns;
import org.specscope.visualizers.SubstitutionsFigure.PaintedRow;

/**
 * The substitutions table as a figure, painted without the JavaFX toolkit: a header, one row
 * per layer and per "natural -> kept" pair with its numbers, a legend, all inside the figure;
 * an export is as tall as every row needs.
 */
class SubstitutionsFigureTest {

    private static List<String> labels(List<SubstitutionSummary.Layer> layers) {
        List<String> out = new ArrayList<>();
        for (SubstitutionSummary.Layer l : layers) {
            out.add(l.describe());
            l.pairs().forEach(p -> out.add(p.describe()));
        }
        return out;
    }

    @Test
    void theSvgHasTheHeaderEveryLayerAndPairRowTheCaptionAndTheLegend() throws Exception {
        SubstitutionsFigure figure = SvgExportTest.fed(new SubstitutionsFigure(), Traces.steps(), 1);
        List<SubstitutionSummary.Layer> layers = SubstitutionSummary.of(Traces.branching());
        assertThat(labels(layers)).hasSizeGreaterThan(layers.size());   // the trace has pairs to show

        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 800, 400)));

        assertThat(texts).containsAll(SubstitutionsFigure.HEADERS).containsAll(labels(layers))
                .contains("MoE layer, its totals", "routing weight lost (bar: against the heaviest layer)");
        assertThat(texts).anyMatch(t -> t.startsWith("step 1 \u00b7 ") && t.contains(" substitutions in 2 layers"));
        for (SubstitutionSummary.Layer l : layers) {
            assertThat(texts).contains(String.format(Locale.ROOT, "%.3f", l.lostWeight()),
                    Integer.toString(l.nodesAffected()));
        }
        assertThat(figure.paintedRows()).extracting(PaintedRow::label).containsExactlyElementsOf(labels(layers));
        assertThat(figure.paintedRows()).filteredOn(PaintedRow::layer).hasSize(layers.size());
    }

    @Test
    void rowsAndColumnsStayInsideTheFigure() {
        SubstitutionsFigure figure = SvgExportTest.fed(new SubstitutionsFigure(), Traces.steps(), 1);
        for (double width : new double[] {300, 800}) {
            double height = figure.exportSize(width, 100).getHeight();
            SvgExport.toSvg(figure, width, height);
            Columns c = figure.columns();
            assertThat(List.of(c.label(), c.nodes(), c.accepted(), c.lost(), c.right())).isSorted();
            assertThat(c.label()).isPositive();
            assertThat(c.right()).as("at width %s", width).isLessThanOrEqualTo(width);
            List<PaintedRow> rows = figure.paintedRows();
            assertThat(rows).hasSize(labels(figure.layers()).size());
            double legend = FigureLegend.height(Graphics2DFigureGraphics.measuring(), figure.caption(), figure.legend(),
                    width);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).y()).isGreaterThanOrEqualTo(SubstitutionsFigure.ROW);   // below the header
                assertThat(legend + rows.get(i).y() + SubstitutionsFigure.ROW).isLessThanOrEqualTo(height);
                if (i > 0) {
                    assertThat(rows.get(i).y()).isEqualTo(rows.get(i - 1).y() + SubstitutionsFigure.ROW);
                }
            }
        }
    }

    @Test
    void aShortFigureSaysHowManyRowsAreLeftAndNoStepSaysSo() throws Exception {
        SubstitutionsFigure figure = SvgExportTest.fed(new SubstitutionsFigure(), Traces.steps(), 1);
        int all = labels(figure.layers()).size();
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 800, 160)));
        assertThat(figure.paintedRows()).hasSizeLessThan(all);
        assertThat(texts).contains("\u2026 " + (all - figure.paintedRows().size()) + " more rows");

        SubstitutionsFigure empty = new SubstitutionsFigure();
        empty.start(Traces.header());
        assertThat(SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(empty, 600, 200))))
                .contains("no step yet", SubstitutionsFigure.NO_LAYERS);
    }
}
