package org.specscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.cli.SpecScopeCli;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * {@code ./specscope figure}: a view of a saved trace as SVG or PNG without a window; bad input
 * is one line and exit status 2.
 */
class FigureCliTest {

    @TempDir
    static Path dir;
    static Path trace;

    record Result(int exit, String out, String err) {
    }

    /** A short speculative run on the sample models, saved as JSON lines by the engine's CLI. */
    @BeforeAll
    static void saveATrace() {
        Path samples = ModelCatalog.home().resolve("sample-models");
        trace = dir.resolve("run.jsonl");
        int exit = SpecScopeCli.newCommandLine().execute("run", "--model",
                samples.resolve("specscope-moe-mini").toString(), "--draft",
                samples.resolve("specscope-moe-mini-draft").toString(), "--prompt", "And God said,",
                "--max-tokens", "12", "--threads", "1", "--trace", trace.toString());
        assertThat(exit).isZero();
    }

    private static Result figure(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = FigureCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static List<String> texts(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        NodeList nodes = doc.getElementsByTagNameNS("*", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    @Test
    void writesTheDraftTreeOfAStepAsSvgWithItsTokens() throws Exception {
        Path svg = dir.resolve("tree.svg");
        Result r = figure("--trace", trace.toString(), "--view", "draft-tree", "--step", "2", "--out", svg.toString(),
                "--width", "640", "--height", "360");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + svg);
        List<String> texts = texts(svg);
        RecordedRun run = TraceReader.read(trace);
        for (String token : run.steps().get(2).tree().texts()) {
            String shown = token.strip();
            if (!shown.isEmpty() && shown.length() <= 12 && !shown.contains("\n")) {
                assertThat(texts).contains(shown);
            }
        }
        assertThat(texts).anyMatch(t -> t.startsWith("step 2 "));
        assertThat(Files.readString(svg)).containsPattern("viewBox=['\"]0(\\.0)? 0(\\.0)? 640(\\.0)? 360(\\.0)?['\"]");
    }

    @Test
    void writesCascadeAndDistinctExpertsWithTheirAxes() throws Exception {
        Path cascade = dir.resolve("cascade.svg");
        Path distinct = dir.resolve("distinct.svg");
        assertThat(figure("--trace", trace.toString(), "--view", "cascade", "--out", cascade.toString()).exit()).isZero();
        assertThat(figure("--trace", trace.toString(), "--view", "distinct-experts", "--out", distinct.toString(),
                "--theme", "dark").exit()).isZero();

        assertThat(texts(cascade)).contains("U = 1", "step", "utility U", "draft length K");
        assertThat(texts(distinct)).contains("MoE layer", "distinct experts", "mean", "P90", "P99");
    }

    @Test
    void writesTheHeatmapWithItsAxesAndLegend() throws Exception {
        Path heatmap = dir.resolve("heatmap.svg");
        Result r = figure("--trace", trace.toString(), "--view", "heatmap", "--out", heatmap.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(texts(heatmap)).contains("layer", "expert", "kept by the budget", "\u2022 replacement");

        Path png = dir.resolve("heatmap.png");
        assertThat(figure("--trace", trace.toString(), "--view", "heatmap", "--out", png.toString(), "--scale", "2")
                .exit()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(1800);

        Path usage = dir.resolve("usage.svg");
        Result u = figure("--trace", trace.toString(), "--view", "usage", "--out", usage.toString(), "--theme", "dark");
        assertThat(u.exit()).as(u.err()).isZero();
        assertThat(texts(usage)).contains("rank (most used first)", "cumulative share of use", "uniform use");
    }

    @Test
    void writesAPngAtTheScaleAsked() throws Exception {
        Path png = dir.resolve("tree@3x.png");
        Result r = figure("--trace", trace.toString(), "--view", "draft-tree", "--out", png.toString(),
                "--width", "300", "--height", "200", "--scale", "3");

        assertThat(r.exit()).as(r.err()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(600);
    }

    @Test
    void aBadTraceIsOneLineAndExitStatusTwo() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{not json\n");
        Result r = figure("--trace", bad.toString(), "--view", "cascade", "--out", dir.resolve("x.svg").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().startsWith("error: ").contains(bad.toString());
        assertThat(dir.resolve("x.svg")).doesNotExist();
    }

    @Test
    void anUnknownViewOrStepOrFormatIsNamed() {
        Result view = figure("--trace", trace.toString(), "--view", "nope", "--out", dir.resolve("h.svg").toString());
        assertThat(view.exit()).isEqualTo(2);
        assertThat(view.err().strip())
                .isEqualTo("error: unknown view 'nope': choose one of draft-tree, cascade, distinct-experts, heatmap, usage");

        Result step = figure("--trace", trace.toString(), "--view", "cascade", "--step", "999", "--out",
                dir.resolve("s.svg").toString());
        assertThat(step.exit()).isEqualTo(2);
        assertThat(step.err()).startsWith("error: no step 999 in ");

        Result format = figure("--trace", trace.toString(), "--view", "cascade", "--out", dir.resolve("f.pdf").toString());
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--out must end in .svg or .png");
    }

    @Test
    void aFocusedLayerAndExpertAreOutlinedInTheFileAsOnScreen() throws Exception {
        Path plain = dir.resolve("heatmap.svg");
        Path focused = dir.resolve("heatmap-focused.svg");
        assertThat(figure("--trace", trace.toString(), "--view", "heatmap", "--out", plain.toString()).exit()).isZero();
        assertThat(figure("--trace", trace.toString(), "--view", "heatmap", "--layer", "2", "--expert", "5", "--out",
                focused.toString()).exit()).isZero();
        // the focus colour (FocusStyle's light cyan, #00b4d8) strokes the row and column
        String focus = "rgb(0,180,216)";
        assertThat(Files.readString(plain)).doesNotContain(focus);
        assertThat(Files.readString(focused)).contains(focus);
    }
}
