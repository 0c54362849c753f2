package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javafx.geometry.Dimension2D;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;
import org.specscope.visualizers.TokenStreamView.Kind;

/**
 * The generated text of {@link TokenStreamView} as a figure: the tokens of every step so far,
 * wrapped at word boundaries to the figure's width, accepted drafts, bonus tokens and rejected
 * drafts (struck through) in the theme's colours, the selected step underlined, the focused
 * node's token ringed in the focus colour, a flag before each step whose settings changed (the
 * legend tells what changed), and a legend. Also what a step's pieces are ({@link #tokensOfStep}),
 * which the view builds its Text nodes from. On screen the view stays a TextFlow (text selection,
 * scrolling); this paints the same content for export, the whole text rather than the part
 * scrolled to ({@link #plotSizeFor}).
 */
public final class TokenStreamFigure extends AbstractTraceFigure {

    static final String FONT = "Monospaced";
    static final double FONT_SIZE = 13;
    /** The view's line height: 13 px text and its -fx-line-spacing of 3. */
    static final double LINE = 20;
    static final double PAD = 8;

    /**
     * One piece of the stream as shown: its text, its kind (a token's fate, or a settings flag),
     * its step, the tree node it is (the bonus token being the tree's size; -1 for a segment of
     * several tokens and for a flag), and what hovering it tells.
     */
    public record Token(String text, Kind kind, int step, int node, String description) {
    }

    /** A piece of a token placed on a line: x from the text's left edge, the line from 0. */
    record Run(String text, Token token, double x, int line, double width) {
    }

    private final List<List<Token>> steps = new ArrayList<>();
    private final SettingsChanges changes = new SettingsChanges();
    private String caption = "no run yet";
    private int selected = -1;
    private boolean showRejected = true;

    // the last paint's layout, for the tests
    private List<Run> laidOut = List.of();
    private int linesShown;

    @Override
    public void start(RunHeader header) {
        steps.clear();
        changes.clear();
        selected = -1;
        caption = header.model() + "  \u00b7  prompt: " + oneLine(header.promptText());
    }

    @Override
    public void append(StepTrace step) {
        List<Token> pieces = new ArrayList<>();
        SettingsChange change = changes.add(step);
        if (change != null) {
            // thin spaces: apart from the tokens either side
            pieces.add(new Token("\u2009" + SettingsChange.FLAG + "\u2009", Kind.SETTINGS_MARK, step.step(), -1,
                    change.describe()));
        }
        pieces.addAll(tokensOf(step));
        steps.add(pieces);
    }

    /** The pieces of the {@code index}th step fed: its settings flag, if any, then its tokens. */
    List<Token> tokensOfStep(int index) {
        return steps.get(index);
    }

    @Override
    public void select(int index) {
        selected = index;
    }

    /** Whether rejected drafts are painted. */
    public void setShowRejected(boolean show) {
        showRejected = show;
    }

    /** The model and the prompt, on one line. */
    @Override
    public String caption() {
        return caption;
    }

    @Override
    public List<FigureLegend.Item> legend() {
        List<FigureLegend.Item> items = new ArrayList<>();
        items.add(FigureLegend.Item.swatch(theme.accepted(), "accepted draft"));
        items.add(FigureLegend.Item.swatch(theme.bonus(), "bonus token (from the target)"));
        if (showRejected) {
            items.add(FigureLegend.Item.swatch(rejectedColour(), "rejected draft (struck through)"));
        }
        List<Token> marked = selectedTokens();
        if (!marked.isEmpty()) {
            items.add(FigureLegend.Item.text("underlined: step " + marked.getFirst().step()));
        }
        // a file has no tooltips: the legend tells what each flag marks
        for (SettingsChange c : changes.all()) {
            items.add(FigureLegend.Item.swatch(theme.settingsMark(), SettingsChange.FLAG + " step " + c.step() + ": "
                    + c.summary()));
        }
        return items;
    }

    /** The selected step's tokens, its flag left out (none when following the newest). */
    private List<Token> selectedTokens() {
        return selected >= 0 && selected < steps.size()
                ? steps.get(selected).stream().filter(t -> t.kind() != Kind.SETTINGS_MARK).toList() : List.of();
    }

    /** The focused node's token: the focus's step's token of its node; null for none. */
    Token focusedToken() {
        if (!focus.hasNode() || focus.step() >= steps.size()) {
            return null;
        }
        for (Token t : steps.get(focus.step())) {
            if (t.node() == focus.node()) {
                return t;
            }
        }
        return null;
    }

    /** The runs the last paint placed, in reading order. */
    List<Run> laidOut() {
        return laidOut;
    }

    /** The lines the last paint showed (fewer than laid out when the text was cut off). */
    int linesShown() {
        return linesShown;
    }

    /** Tall enough for every line of the text at this width (up to {@link #MAX_EXPORT_HEIGHT}). */
    @Override
    public Dimension2D plotSizeFor(double width, double height) {
        List<Run> runs = layOut(Graphics2DFigureGraphics.measuring(), width - 2 * PAD);
        int lines = runs.isEmpty() ? 0 : runs.getLast().line() + 1;
        return new Dimension2D(width, Math.max(height, Math.min(MAX_EXPORT_HEIGHT, 2 * PAD + lines * LINE)));
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        g.setFill(theme.background());
        g.fillRect(0, 0, w, h);
        g.save();
        g.setFont(FONT, FONT_SIZE);
        List<Run> runs = layOut(g, w - 2 * PAD);
        laidOut = runs;
        int lines = runs.isEmpty() ? 0 : runs.getLast().line() + 1;
        int fit = (int) Math.max(0, Math.floor((h - 2 * PAD) / LINE));
        // Cut off: the last line that fits says how many more there are.
        int shown = lines <= fit ? lines : Math.max(0, fit - 1);
        linesShown = shown;
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        // by identity: equal tokens of other steps are not marked
        Set<Token> marked = Collections.newSetFromMap(new IdentityHashMap<>());
        marked.addAll(selectedTokens());
        Token focused = focusedToken();
        for (Run r : runs) {
            if (r.line() >= shown) {
                break;
            }
            paintRun(g, r, PAD + r.x(), PAD + (r.line() + 0.5) * LINE, marked.contains(r.token()),
                    r.token() == focused);
        }
        if (shown < lines && fit > 0) {
            g.setFill(theme.textMuted());
            g.fillText(String.format(Locale.ROOT, "\u2026 %d more line%s", lines - shown, lines - shown == 1 ? "" : "s"),
                    PAD, PAD + (shown + 0.5) * LINE);
        }
        g.restore();
    }

    private void paintRun(FigureGraphics g, Run r, double x, double y, boolean marked, boolean focused) {
        if (focused) {
            FocusStyle.ring(g, theme, theme.background(), x - 2, y - LINE / 2 + 1, r.width() + 4, LINE - 2, 6);
        }
        Color c = focused ? FocusStyle.colour(theme) : switch (r.token().kind()) {
            case ACCEPTED -> theme.accepted();
            case BONUS -> theme.bonus();
            case REJECTED -> rejectedColour();
            case SETTINGS_MARK -> theme.settingsMark();
        };
        g.setFill(c);
        g.fillText(r.text(), x, y);
        g.setStroke(c);
        g.setLineWidth(1);
        if (r.token().kind() == Kind.REJECTED) {
            g.strokeLine(x, y, x + r.width(), y);
        }
        if (marked) {
            g.strokeLine(x, y + FONT_SIZE / 2 + 1, x + r.width(), y + FONT_SIZE / 2 + 1);
        }
    }

    /** Rejected drafts are faded, as the stylesheet's 0.7 opacity shows them. */
    private Color rejectedColour() {
        return theme.rejected().deriveColor(0, 1, 1, 0.7);
    }

    /**
     * The shown tokens in runs placed on lines of at most {@code width}: lines break before
     * whitespace, as a TextFlow breaks them (a word split over two tokens stays whole), at a
     * newline, and inside a word only when it is wider than a line; a line does not start with
     * the space it broke at.
     */
    List<Run> layOut(FigureGraphics g, double width) {
        g.save();
        g.setFont(FONT, FONT_SIZE);
        List<Run> out = new ArrayList<>();
        LineBreaker lines = new LineBreaker(g, Math.max(1, width), out);
        List<Run> word = new ArrayList<>();   // the word being gathered: pieces, x relative to its start
        double wordWidth = 0;
        for (List<Token> step : steps) {
            for (Token t : step) {
                if (t.kind() == Kind.REJECTED && !showRejected) {
                    continue;
                }
                String text = printable(t.text());
                int i = 0;
                while (i < text.length()) {
                    char c = text.charAt(i);
                    if (c == '\n') {
                        lines.place(word, wordWidth);
                        word.clear();
                        wordWidth = 0;
                        lines.newLine();
                        i++;
                        continue;
                    }
                    boolean space = Character.isWhitespace(c);
                    if (space && !word.isEmpty() && !isSpace(word.getLast().text())) {
                        lines.place(word, wordWidth);   // a break opportunity: the word so far is done
                        word.clear();
                        wordWidth = 0;
                    }
                    // the longest piece of this token that is all spaces, or no spaces
                    int j = i + 1;
                    while (j < text.length() && text.charAt(j) != '\n' && Character.isWhitespace(text.charAt(j)) == space) {
                        j++;
                    }
                    String piece = text.substring(i, j);
                    double pw = g.textWidth(piece);
                    word.add(new Run(piece, t, wordWidth, 0, pw));
                    wordWidth += pw;
                    i = j;
                }
            }
        }
        lines.place(word, wordWidth);
        g.restore();
        return out;
    }

    private static boolean isSpace(String piece) {
        return !piece.isEmpty() && Character.isWhitespace(piece.charAt(0));
    }

    /** Places words on lines, wrapping them. */
    private static final class LineBreaker {
        private final FigureGraphics g;
        private final double width;
        private final List<Run> out;
        private int line;
        private double x;
        /** Whether the line just wrapped: the space it broke at is not drawn at its start. */
        private boolean wrapped;

        LineBreaker(FigureGraphics g, double width, List<Run> out) {
            this.g = g;
            this.width = width;
            this.out = out;
        }

        void newLine() {
            line++;
            x = 0;
            wrapped = false;
        }

        private void wrap() {
            newLine();
            wrapped = true;
        }

        /** Places a word: spaces first, then the rest; wraps before it if it does not fit. */
        void place(List<Run> word, double wordWidth) {
            if (word.isEmpty()) {
                return;
            }
            if (x > 0 && x + wordWidth > width) {
                wrap();
            }
            for (Run piece : word) {
                if (wrapped && x == 0 && isSpace(piece.text())) {
                    continue;
                }
                if (x + piece.width() <= width) {
                    add(piece.text(), piece.token(), piece.width());
                } else {
                    hardWrap(piece);
                }
            }
        }

        /** Places a piece at the end of the line, one run with the token's piece before it. */
        private void add(String text, Token token, double w) {
            Run last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.token() == token && last.line() == line) {
                out.set(out.size() - 1, new Run(last.text() + text, token, last.x(), line, last.width() + w));
            } else {
                out.add(new Run(text, token, x, line, w));
            }
            x += w;
            wrapped = false;
        }

        /** A piece wider than what is left of the line: as many characters as fit, line by line. */
        private void hardWrap(Run piece) {
            String rest = piece.text();
            while (!rest.isEmpty()) {
                int n = 0;
                while (n < rest.length() && x + g.textWidth(rest.substring(0, n + 1)) <= width) {
                    n++;
                }
                if (n == 0) {
                    if (x > 0) {
                        wrap();
                        continue;
                    }
                    n = 1;  // not even one character fits: place it anyway
                }
                String part = rest.substring(0, n);
                add(part, piece.token(), g.textWidth(part));
                rest = rest.substring(n);
                if (!rest.isEmpty()) {
                    wrap();
                }
            }
        }
    }

    /** Control characters (other than newlines) as spaces: they have no glyph, and XML forbids them. */
    private static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\n' && (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogate(s, i))) {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, c == '\t' || c == '\r' ? ' ' : '\uFFFD');
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    // ---- a step's tokens ---------------------------------------------------------------------

    /**
     * The tokens a step shows: its accepted drafts and bonus token (the tree's texts, when they
     * spell the step's emitted text; else the emitted text whole, as one segment), then the
     * rejected continuation: the drafter's most probable branch below the last accepted node.
     */
    private static List<Token> tokensOf(StepTrace s) {
        TreeTrace tree = s.tree();
        List<Token> tokens = new ArrayList<>();
        StringBuilder spelled = new StringBuilder();
        for (int i = 1; i < tree.acceptedPath().size(); i++) {
            spelled.append(tree.texts().get(tree.acceptedPath().get(i)));
        }
        spelled.append(tree.bonusText());
        if (spelled.toString().equals(s.emittedText())) {
            for (int i = 1; i < tree.acceptedPath().size(); i++) {
                int node = tree.acceptedPath().get(i);
                tokens.add(new Token(tree.texts().get(node), Kind.ACCEPTED, s.step(), node,
                        describe(s, node, "accepted draft")));
            }
            tokens.add(new Token(tree.bonusText(), Kind.BONUS, s.step(), tree.size(),
                    "step " + s.step() + " \u00b7 bonus token from the target"));
        } else {
            // The tokens' texts do not spell the emitted text (a character split across tokens): one segment.
            Kind kind = tree.acceptedDrafts() > 0 ? Kind.ACCEPTED : Kind.BONUS;
            tokens.add(new Token(s.emittedText(), kind, s.step(), -1, "step " + s.step() + " \u00b7 "
                    + tree.acceptedDrafts() + " accepted drafts and the bonus token"));
        }
        for (int node : rejectedBranch(tree)) {
            tokens.add(new Token(tree.texts().get(node), Kind.REJECTED, s.step(), node,
                    describe(s, node, "rejected draft")));
        }
        return tokens;
    }

    /** The drafter's most probable branch below the last accepted node. */
    static List<Integer> rejectedBranch(TreeTrace tree) {
        List<Integer> branch = new ArrayList<>();
        int node = tree.acceptedPath().get(tree.acceptedPath().size() - 1);
        while (true) {
            int best = -1;
            for (int i = node + 1; i < tree.size(); i++) {
                if (tree.parents().get(i) == node && (best < 0 || tree.draftProbs().get(i) > tree.draftProbs().get(best))) {
                    best = i;
                }
            }
            if (best < 0) {
                return branch;
            }
            branch.add(best);
            node = best;
        }
    }

    private static String describe(StepTrace s, int node, String fate) {
        return String.format(Locale.ROOT, "step %d \u00b7 %s \u00b7 q %.3f \u00b7 p %.3f", s.step(), fate,
                s.tree().draftProbs().get(node), s.tree().targetProbs().get(node));
    }

    private static String oneLine(String s) {
        String line = s.replace('\n', ' ').strip();
        return line.length() > 120 ? line.substring(0, 119) + "\u2026" : line;
    }
}
