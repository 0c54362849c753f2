package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javafx.geometry.Bounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The figures export as standalone SVG: well-formed XML of the asked size, text kept as text
 * (axis titles, legends, token and layer labels), painted without the JavaFX toolkit.
 */
class SvgExportTest {

    @TempDir
    Path dir;

    static <F extends TraceFigure> F fed(F figure, List<StepTrace> steps, int select) {
        figure.start(Traces.header());
        steps.forEach(figure::append);
        figure.select(select);
        return figure;
    }

    /** The document, parsed as XML (which fails on a malformed file). */
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    /** Every text element's content, trimmed, in document order. */
    static List<String> texts(Document doc) {
        NodeList nodes = doc.getElementsByTagNameNS("*", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    @Test
    void draftTreeFileHasTheSizeTheTokensAndTheLegend() throws Exception {
        Path file = dir.resolve("tree.svg");
        SvgExport.write(fed(new DraftTreeFigure(), Traces.steps(), 1), 800, 360, file);

        Document doc = parse(Files.readString(file));
        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(Double.parseDouble(root.getAttribute("width").replace("px", ""))).isEqualTo(800);
        assertThat(Double.parseDouble(root.getAttribute("height").replace("px", ""))).isEqualTo(360);
        assertThat(root.getAttribute("viewBox").split(" ")).extracting(Double::parseDouble)
                .containsExactly(0.0, 0.0, 800.0, 360.0);
        assertThat(texts(doc)).contains("Hello", "cat", "dog", "sat", "ran", "on", "down", // the bonus token
                "accepted path", "bonus token", "step 1 \u00b7 5 drafts, 2 accepted");
        // the legend's colour ramp is raster, embedded as PNG data
        assertThat(doc.getElementsByTagNameNS("*", "image").getLength()).isEqualTo(1);
    }

    @Test
    void cascadeFileHasItsAxesTheUEqualsOneLineAndTheLegend() throws Exception {
        String svg = SvgExport.toSvg(fed(new CascadeFigure(), CascadeTraces.steps(), -1), 900, 400);

        List<String> texts = texts(parse(svg));
        assertThat(texts).contains("U = 1", "step", "utility U", "draft length K", "baseline (K = 0)", "test", "set",
                "U (left)", "K (right)");
        assertThat(texts).anyMatch(t -> t.startsWith("S="));
    }

    @Test
    void distinctExpertsFileLabelsEveryLayer() throws Exception {
        List<StepTrace> steps = Traces.steps();
        String svg = SvgExport.toSvg(fed(new DistinctExpertsFigure(), steps, 1), 700, 400);

        List<String> texts = texts(parse(svg));
        assertThat(texts).contains("MoE layer", "distinct experts", "mean", "P90", "P99");
        for (DistinctExpertStats.LayerCounts c : DistinctExpertStats.counts(steps.get(1))) {
            assertThat(texts).contains(Integer.toString(c.layer()));
        }
        for (DistinctExpertStats.Measure m : DistinctExpertStats.Measure.values()) {
            assertThat(texts).contains(m.label());
        }
    }

    @Test
    void heatmapFileEmbedsItsGridAndKeepsAxesAndLegendAsText() throws Exception {
        List<StepTrace> steps = Traces.steps();
        ExpertHeatmapFigure figure = fed(new ExpertHeatmapFigure(), steps, 1);
        String svg = SvgExport.toSvg(figure, 800, 400);

        Document doc = parse(svg);
        List<String> texts = texts(doc);
        assertThat(texts).contains("layer", "expert", "kept by the budget", "\u00d7 natural expert left out",
                "\u2022 replacement", "step 1", "0", "7");
        for (LayerTrace l : steps.get(1).layers()) {
            assertThat(texts).contains(Integer.toString(l.layer()));
        }
        assertThat(texts).anyMatch(t -> t.startsWith("share of the layer's routing mass"));
        // the grid (cells, outlines, marks) and the legend's ramp are raster, embedded as PNG data
        assertThat(doc.getElementsByTagNameNS("*", "image").getLength()).isEqualTo(2);
        assertThat(figure.rows()).isEqualTo(steps.get(1).layers().size());
    }

    @Test
    void usageFileHasBothPlotsAxesAndTheLegend() throws Exception {
        UsageDistributionFigure figure = fed(new UsageDistributionFigure(), Traces.steps(), 1);
        String svg = SvgExport.toSvg(figure, 900, 400);

        List<String> texts = texts(parse(svg));
        assertThat(texts).contains("rank (most used first)", "fraction of experts (most used first)",
                "use by rank \u00b7 y: routed mass", "cumulative share \u00b7 y: fraction of use", "0.50",
                "use by rank (log-log)", "cumulative share of use", "uniform use", "90% of use covered");
        assertThat(texts).anyMatch(t -> t.startsWith("all 2 layers pooled"));
        assertThat(figure.rankPointsDrawn()).isPositive();
    }

    @Test
    void pngIsPaintedAtTheScaleAsked() {
        DraftTreeFigure figure = fed(new DraftTreeFigure(), Traces.steps(), 1);

        BufferedImage image = PngExport.toImage(figure, 400, 200, 3);

        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(600);
        assertThat(image.getRGB(1199, 599)).isEqualTo(0xffffffff); // the light theme's background
    }

    @Test
    void everyExportedStepFigureMarksTheSettingsChangeAtItsStep() throws Exception {
        List<StepTrace> steps = CascadeTraces.steps();
        String atFive = "\u2691 settings changed at this step: B 4 -> 6";
        for (TraceFigure figure : List.of(new DraftTreeFigure(), new DistinctExpertsFigure(), new ExpertHeatmapFigure(),
                new SubstitutionsFigure())) {
            List<String> marked = texts(parse(SvgExport.toSvg(fed(figure, steps, 5), 1200, 500)));
            assertThat(marked).as(figure.getClass().getSimpleName()).anyMatch(t -> t.endsWith(atFive));
            List<String> unmarked = texts(parse(SvgExport.toSvg(fed(figure, steps, 6), 1200, 500)));
            assertThat(unmarked).as(figure.getClass().getSimpleName()).noneMatch(t -> t.contains(SettingsChange.FLAG));
        }
        ExpertHeatmapFigure window = fed(new ExpertHeatmapFigure(), steps, 6);
        window.setWindow(3);
        assertThat(texts(parse(SvgExport.toSvg(window, 1200, 500))))
                .anyMatch(t -> t.endsWith("\u2691 window spans a settings change at step 5: B 4 -> 6"));
        assertThat(texts(parse(SvgExport.toSvg(fed(new UsageDistributionFigure(), steps, -1), 1200, 500))))
                .anyMatch(t -> t.endsWith("\u2691 run spans 2 settings changes, at steps 5, 9"));
        assertThat(texts(parse(SvgExport.toSvg(fed(new DraftTreeFigure(), Traces.steps(), 1), 1200, 500))))
                .noneMatch(t -> t.contains(SettingsChange.FLAG));
    }

    @Test
    void cascadeFileLabelsEachFlagWithWhatChanged() throws Exception {
        List<String> texts = texts(parse(SvgExport.toSvg(fed(new CascadeFigure(), CascadeTraces.steps(), -1), 900, 400)));
        assertThat(texts).contains("B 4 -> 6", "chain 4 -> chain 6");
        // a run whose settings stay has no flags to label
        List<StepTrace> same = CascadeTraces.steps().stream()
                .map(t -> CascadeTraces.with(t, t.step(), CascadeTraces.FIRST, t.controller())).toList();
        assertThat(texts(parse(SvgExport.toSvg(fed(new CascadeFigure(), same, -1), 900, 400))))
                .doesNotContain("B 4 -> 6").noneMatch(t -> t.contains("->"));
    }

    @Test
    void aTallTreeExportsWholeAtTheHeightItNeedsWithEveryNodesLabel() throws Exception {
        StepTrace tall = Traces.tall(1);
        DraftTreeFigure figure = fed(new DraftTreeFigure(), List.of(Traces.prefill(), tall), 1);

        javafx.geometry.Dimension2D size = figure.exportSize(900, 500);
        Document doc = parse(SvgExport.toSvg(figure, size.getWidth(), size.getHeight()));
        double height = Double.parseDouble(doc.getDocumentElement().getAttribute("height").replace("px", ""));
        assertThat(height).as("taller than the view it was asked at").isGreaterThan(500 + 100);
        assertThat(Double.parseDouble(doc.getDocumentElement().getAttribute("width").replace("px", ""))).isEqualTo(900);
        List<String> texts = texts(doc);
        for (String label : tall.tree().texts()) {
            assertThat(texts).contains(label);
        }
        assertThat(texts).contains("bonus");
        // every box lies inside the figure: in the plot, below the caption and legend
        double top = FigureLegend.height(new Graphics2DFigureGraphics(new org.jfree.svg.SVGGraphics2D(900, height)),
                figure.caption(), figure.legend(), 900);
        assertThat(figure.bounds()).hasSize(tall.tree().size() + 1);
        for (Bounds b : figure.bounds()) {
            assertThat(b.getMinY()).isGreaterThanOrEqualTo(0);
            assertThat(top + b.getMaxY()).isLessThanOrEqualTo(height);
            assertThat(b.getMaxX()).isLessThanOrEqualTo(900);
        }

        BufferedImage png = PngExport.toImage(figure, size.getWidth(), size.getHeight(), 2);
        assertThat(png.getHeight()).isEqualTo((int) Math.ceil(2 * height));
    }
}
