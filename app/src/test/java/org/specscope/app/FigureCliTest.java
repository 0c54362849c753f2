package org.specscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.cli.SpecScopeCli;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.TraceReader;

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

    @Test
    void writesTheDraftTreeOfAStepAsSvgWithItsTokens() throws Exception {
        Path svg = dir.resolve("tree.svg");
        Result r = figure("--trace", trace.toString(), "--view", "draft-tree", "--step", "2", "--out", svg.toString(),
                "--width", "640", "--height", "360");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + svg);
        List<String> texts = SvgFile.texts(svg);
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

        assertThat(SvgFile.texts(cascade)).contains("U = 1", "step", "utility U", "draft length K");
        assertThat(SvgFile.texts(distinct)).contains("MoE layer", "distinct experts", "mean", "P90", "P99");
    }

    @Test
    void writesTheHeatmapWithItsAxesAndLegend() throws Exception {
        Path heatmap = dir.resolve("heatmap.svg");
        Result r = figure("--trace", trace.toString(), "--view", "heatmap", "--out", heatmap.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(SvgFile.texts(heatmap)).contains("layer", "expert", "kept by the budget", "\u2022 replacement");

        Path png = dir.resolve("heatmap.png");
        assertThat(figure("--trace", trace.toString(), "--view", "heatmap", "--out", png.toString(), "--scale", "2")
                .exit()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(1800);

        Path usage = dir.resolve("usage.svg");
        Result u = figure("--trace", trace.toString(), "--view", "usage", "--out", usage.toString(), "--theme", "dark");
        assertThat(u.exit()).as(u.err()).isZero();
        assertThat(SvgFile.texts(usage)).contains("rank (most used first)", "cumulative share of use", "uniform use");
    }

    private static String letters(String s) {
        return s.replaceAll("[\\s\\p{Cntrl}\uFFFD]", "");
    }

    @Test
    void writesTheWholeTokenStreamAndTheSubstitutionsOfAStep() throws Exception {
        RecordedRun run = TraceReader.read(trace);
        Path tokens = dir.resolve("tokens.svg");
        Result r = figure("--trace", trace.toString(), "--view", "token-stream", "--out", tokens.toString(),
                "--width", "240");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("shown whole: nothing to note").doesNotContain("note:");
        List<String> texts = SvgFile.texts(tokens);
        assertThat(texts).contains("accepted draft", "bonus token (from the target)", "rejected draft (struck through)");
        String painted = letters(String.join("", texts));
        for (var step : run.steps()) {
            assertThat(painted).as("step %d's text", step.step()).contains(letters(step.emittedText()));
        }
        // no --height: as tall as the text needs, 500 at least
        var viewBox = java.util.regex.Pattern.compile("viewBox=['\"]0(?:\\.0)? 0(?:\\.0)? 240(?:\\.0)? ([0-9.]+)['\"]")
                .matcher(Files.readString(tokens));
        assertThat(viewBox.find()).isTrue();
        assertThat(Double.parseDouble(viewBox.group(1))).isGreaterThanOrEqualTo(500);
        Path asked = dir.resolve("tokens.png");
        Result cut = figure("--trace", trace.toString(), "--view", "token-stream", "--out", asked.toString(),
                "--width", "240", "--height", "120", "--scale", "2");
        assertThat(cut.exit()).isZero();
        assertThat(ImageIO.read(asked.toFile()).getHeight()).as("--height is kept when given").isEqualTo(240);
        assertThat(cut.err()).as("the cut is said").contains("note: the token-stream figure needs 240x",
                "past 240x120 is cut (leave out --height to get it whole)");

        Path table = dir.resolve("substitutions.svg");
        Result t = figure("--trace", trace.toString(), "--view", "substitutions", "--step", "2", "--out", table.toString());
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("substitutions, step 2");
        List<String> rows = SvgFile.texts(table);
        assertThat(rows).contains("layer / natural \u2192 kept", "nodes", "on accepted path", "routing weight lost");
        assertThat(rows).anyMatch(l -> l.startsWith("step 2 \u00b7 "));
        for (var layer : run.steps().get(2).layers()) {
            assertThat(rows).anyMatch(l -> l.startsWith("layer " + layer.layer() + ": "));
        }
    }

    @Test
    void writesASweepsParetoFrontierFromItsOutputDirectory() throws Exception {
        Path sweep = Files.createDirectories(dir.resolve("sw"));
        for (String name : List.of("summary.csv", "sweep.json")) {
            try (var in = FigureCliTest.class.getResourceAsStream("sweep/" + name)) {
                Files.copy(in, sweep.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path svg = dir.resolve("sweep.svg");
        Result r = figure("--sweep", sweep.toString(), "--view", "sweep", "--out", svg.toString(), "--x",
                "mean-kept-experts", "--y", "top1-agreement", "--theme", "dark");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + svg + " (sweep " + sweep);
        assertThat(SvgFile.texts(svg)).contains("mean kept experts per layer  \u2190 better", "top-1 agreement", "substitute",
                "truncate", "unbudgeted", "Pareto frontier");

        Result withTrace = figure("--trace", trace.toString(), "--view", "sweep", "--out", svg.toString());
        assertThat(withTrace.exit()).isEqualTo(2);
        assertThat(withTrace.err()).contains("the sweep view reads --sweep DIR");
        Result traceView = figure("--sweep", sweep.toString(), "--view", "cascade", "--out", svg.toString());
        assertThat(traceView.exit()).isEqualTo(2);
        assertThat(traceView.err()).contains("the cascade view reads --trace FILE.jsonl");
        Result axis = figure("--sweep", sweep.toString(), "--view", "sweep", "--x", "fast", "--out", svg.toString());
        assertThat(axis.exit()).isEqualTo(2);
        assertThat(axis.err().strip()).isEqualTo(
                "error: unknown --x axis 'fast': choose one of speedup, tokens-per-second, mean-kept-experts");
        Result missing = figure("--sweep", dir.resolve("nowhere").toString(), "--view", "sweep", "--out", svg.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().lines()).singleElement().asString().startsWith("error: ").contains("summary.csv");
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
                .isEqualTo("error: unknown view 'nope': choose one of draft-tree, cascade, distinct-experts, heatmap, usage, "
                        + "token-stream, substitutions, sweep");

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
