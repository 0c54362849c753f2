package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;
import org.specscope.visualizers.TokenStreamFigure.Run;
import org.specscope.visualizers.TokenStreamView.Kind;

/**
 * The token stream as a figure, painted without the JavaFX toolkit: the tokens as SVG text in
 * the theme's token colours, wrapped within the width at word boundaries, with a legend; an
 * export is as tall as the whole text needs.
 */
class TokenStreamFigureTest {

    private static TokenStreamFigure fed(List<StepTrace> steps) {
        return SvgExportTest.fed(new TokenStreamFigure(), steps, -1);
    }

    /** The runs' texts joined, whitespace dropped (wrapping drops the space a line broke at). */
    private static String letters(List<Run> runs) {
        StringBuilder s = new StringBuilder();
        runs.forEach(r -> s.append(r.text()));
        return s.toString().replaceAll("\\s", "");
    }

    private static String rgb(javafx.scene.paint.Color c) {
        return "rgb(" + Math.round(c.getRed() * 255) + "," + Math.round(c.getGreen() * 255) + ","
                + Math.round(c.getBlue() * 255) + ")";
    }

    @Test
    void theSvgHasEveryTokenTheCaptionAndTheLegendInTheThemesColours() throws Exception {
        TokenStreamFigure figure = fed(Traces.steps());
        String svg = SvgExport.toSvg(figure, 800, 300);

        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(svg));
        assertThat(texts).contains("Hello", "cat", "sat", "down", "the", "street", "on", "road", ".",
                "tiny-moe  \u00b7  prompt: Say hello", "accepted draft", "bonus token (from the target)",
                "rejected draft (struck through)");
        assertThat(svg).contains(rgb(Themes.LIGHT.accepted()), rgb(Themes.LIGHT.bonus()), rgb(Themes.LIGHT.rejected()));
        // emitted and rejected tokens in reading order: step by step, each step's rejected tail after it
        assertThat(letters(figure.laidOut())).isEqualTo("Hellocatsatdownonthestreetroad.");
        assertThat(figure.laidOut()).filteredOn(r -> r.token().kind() == Kind.REJECTED).extracting(Run::text)
                .containsExactly(" on", " road", " .");

        figure.setTheme(Themes.DARK);
        assertThat(SvgExport.toSvg(figure, 800, 300)).contains(rgb(Themes.DARK.accepted()), rgb(Themes.DARK.background()));
    }

    @Test
    void textWrapsWithinTheWidthAtWordBoundaries() {
        TokenStreamFigure figure = fed(Traces.steps());
        double width = 150;
        SvgExport.toSvg(figure, width, 400);
        List<Run> runs = figure.laidOut();

        assertThat(runs.getLast().line()).as("a narrow figure wraps the text").isGreaterThan(1);
        for (Run r : runs) {
            assertThat(TokenStreamFigure.PAD + r.x() + r.width()).as(r.text()).isLessThanOrEqualTo(width - TokenStreamFigure.PAD + 1e-6);
        }
        for (int i = 1; i < runs.size(); i++) {
            Run before = runs.get(i - 1);
            Run r = runs.get(i);
            if (r.line() == before.line()) {
                assertThat(r.x()).as("left to right on a line").isCloseTo(before.x() + before.width(), org.assertj.core.data.Offset.offset(1e-6));
            } else {
                assertThat(r.line()).isEqualTo(before.line() + 1);
                assertThat(r.x()).isZero();
                assertThat(r.text()).as("a wrapped line starts at a word, not with its space").doesNotStartWith(" ");
            }
        }
        assertThat(letters(runs)).isEqualTo("Hellocatsatdownonthestreetroad.");
    }

    @Test
    void aWordSplitOverTokensStaysWholeAndOneWiderThanALineIsBroken() {
        TokenStreamFigure figure = fed(List.of(Traces.prefill()));
        FigureGraphics g = Graphics2DFigureGraphics.measuring();
        g.setFont(TokenStreamFigure.FONT, TokenStreamFigure.FONT_SIZE);
        double charWidth = g.textWidth("x");
        // "Hello" is one token: 5 characters on a line 3 wide come out as 3 + 2
        List<Run> narrow = figure.layOut(g, 3.5 * charWidth);
        assertThat(narrow).extracting(Run::text).containsExactly("Hel", "lo");
        assertThat(narrow).extracting(Run::line).containsExactly(0, 1);

        // " cat" + "sat" style: a word built of two tokens moves to the next line whole
        StepTrace split = Traces.step(1, Traces.tree(new int[] {-1, 0}, List.of("Hello", " ca"), new float[] {1, 0.9f},
                new int[] {0, 1}, "ts"), " cats");
        TokenStreamFigure two = fed(List.of(Traces.prefill(), split));
        List<Run> runs = two.layOut(g, 7.5 * charWidth);   // "Hello" fits, "Hello cats" does not
        assertThat(runs).extracting(Run::text).containsExactly("Hello", "ca", "ts");
        assertThat(runs).extracting(Run::line).containsExactly(0, 1, 1);
    }

    @Test
    void anExportIsAsTallAsTheWholeTextAndACutOffSaysWhatIsLeft() throws Exception {
        TokenStreamFigure figure = fed(Traces.steps());
        double tall = figure.exportSize(120, 60).getHeight();
        assertThat(tall).isGreaterThan(60).isLessThanOrEqualTo(VectorFigure.MAX_EXPORT_HEIGHT);
        SvgExport.toSvg(figure, 120, tall);
        int lines = figure.laidOut().getLast().line() + 1;
        assertThat(figure.linesShown()).isEqualTo(lines);
        // a wide figure needs no more than it is given
        assertThat(figure.exportSize(2000, 300)).isEqualTo(new javafx.geometry.Dimension2D(2000, 300));

        List<String> cut = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 120,
                tall - 2 * TokenStreamFigure.LINE)));
        assertThat(figure.linesShown()).isLessThan(lines);
        assertThat(cut).anyMatch(t -> t.matches("\u2026 \\d+ more lines?"));
    }

    @Test
    void hiddenRejectedDraftsAreNeitherPaintedNorInTheLegend() throws Exception {
        TokenStreamFigure figure = fed(Traces.steps());
        figure.setShowRejected(false);
        figure.select(1);

        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 800, 300)));
        assertThat(texts).doesNotContain("road", "rejected draft (struck through)").contains("underlined: step 1");
        assertThat(letters(figure.laidOut())).isEqualTo("Hellocatsatdownthestreet");
    }

    @Test
    void aFlagStandsBeforeTheFirstTokenOfEachChangedStepAndTheLegendSaysWhatChanged() throws Exception {
        TokenStreamFigure figure = fed(CascadeTraces.steps());
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(figure, 800, 1000)));
        assertThat(texts).contains(SettingsChange.FLAG + " step 5: B 4 -> 6",
                SettingsChange.FLAG + " step 9: chain 4 -> chain 6");
        assertThat(texts).filteredOn(t -> t.strip().equals(SettingsChange.FLAG)).hasSize(2);
        List<Run> runs = figure.laidOut();
        for (int step : new int[] {5, 9}) {
            int flag = -1;
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).token().kind() == Kind.SETTINGS_MARK && runs.get(i).token().step() == step) {
                    flag = i;
                }
            }
            assertThat(flag).as("step %d's flag", step).isNotNegative();
            // the flag's runs (thin spaces around it), then the step's first token
            int next = flag + 1;
            while (runs.get(next).token().kind() == Kind.SETTINGS_MARK) {
                next++;
            }
            assertThat(runs.get(next).token().step()).isEqualTo(step);
        }
        assertThat(runs).filteredOn(r -> r.token().kind() == Kind.SETTINGS_MARK)
                .allMatch(r -> r.token().step() == 5 || r.token().step() == 9);
        // a run whose settings stay has none
        assertThat(SvgExportTest.texts(SvgExportTest.parse(SvgExport.toSvg(fed(Traces.steps()), 800, 300))))
                .noneMatch(t -> t.contains(SettingsChange.FLAG));
    }
}
