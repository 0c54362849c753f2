package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Dimension2D;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.StepTrace;

/**
 * The table of {@link SubstitutionsView} as a figure: the shown step's MoE layers, each a shaded
 * row with its totals, under it its "natural -> kept" pairs, heaviest first; the columns of the
 * view's table (nodes, on the accepted path, routing weight lost) and a bar for the weight lost,
 * against the step's heaviest layer; the row the focus names outlined in the focus colour, and a
 * settings change at the step told in the caption. On screen the view stays a TreeTableView
 * (sorting, scrolling, expanding); this paints the same rows for export, all of them
 * ({@link #plotSizeFor}).
 */
public final class SubstitutionsFigure extends StepFigure {

    static final String FONT = "SansSerif";
    static final double FONT_SIZE = 12;
    static final double ROW = 20;
    static final double PAD = 8;
    /** How far a pair's row is indented under its layer's. */
    static final double INDENT = 16;
    static final double BAR = 80;
    static final double CELL_GAP = 18;
    /** The label column gives way to the numbers down to this width, then all columns shrink alike. */
    static final double MIN_LABEL = 120;
    static final List<String> HEADERS = List.of("layer / natural \u2192 kept", "nodes", "on accepted path",
            "routing weight lost");
    static final String NO_LAYERS = "no MoE layers";

    /** One painted row: its label, whether it is a layer's (else a pair's), its top. */
    record PaintedRow(String label, boolean layer, double y) {
    }

    /** The painted columns' left edges and the width they span. */
    record Columns(double label, double nodes, double accepted, double lost, double right) {
    }

    /** A row of the table: the {@code layer}th of {@link #layers()}, its {@code pair}th pair's or its own (-1). */
    record RowIndex(int layer, int pair) {
    }

    private StepTrace summarised;
    private List<SubstitutionSummary.Layer> layers = List.of();

    // the last paint's geometry, for the tests
    private List<PaintedRow> painted = List.of();
    private Columns columns = new Columns(0, 0, 0, 0, 0);
    private double focusedY = -1;

    /** The shown step's layers, summarised once per step. */
    List<SubstitutionSummary.Layer> layers() {
        StepTrace step = stepToShow();
        if (step != summarised) {
            summarised = step;
            layers = step == null ? List.of() : SubstitutionSummary.of(step);
        }
        return layers;
    }

    /** The rows the last paint drew, top to bottom. */
    List<PaintedRow> paintedRows() {
        return painted;
    }

    Columns columns() {
        return columns;
    }

    /** The top of the row the last paint outlined as the focus's; -1 for none. */
    double focusedRowY() {
        return focusedY;
    }

    @Override
    public String caption() {
        StepTrace step = stepToShow();
        if (step == null) {
            return "no step yet";
        }
        int total = 0;
        double lost = 0;
        for (SubstitutionSummary.Layer l : layers()) {
            total += l.substitutions();
            lost += l.lostWeight();
        }
        return markingChange(String.format(Locale.ROOT, "step %d%s \u00b7 %d substitutions in %d layers \u00b7 "
                        + "routing weight lost %.3f (over %d nodes)", step.step(), selected() < 0 ? " (newest)" : "",
                total, layers().size(), lost, step.tree().size()), step);
    }

    /**
     * The row the focus names: its layer's pair of its expert (natural first, else as the
     * replacement), else its layer's row; null when no layer is focused or the step lacks it.
     */
    RowIndex focusedRow() {
        if (!focus.hasLayer()) {
            return null;
        }
        List<SubstitutionSummary.Layer> shown = layers();
        for (int i = 0; i < shown.size(); i++) {
            if (shown.get(i).layer() != focus.layer()) {
                continue;
            }
            if (focus.hasExpert()) {
                for (boolean natural : new boolean[] {true, false}) {
                    List<SubstitutionSummary.Pair> pairs = shown.get(i).pairs();
                    for (int j = 0; j < pairs.size(); j++) {
                        if ((natural ? pairs.get(j).natural() : pairs.get(j).replacement()) == focus.expert()) {
                            return new RowIndex(i, j);
                        }
                    }
                }
            }
            return new RowIndex(i, -1);
        }
        return null;
    }

    @Override
    public List<FigureLegend.Item> legend() {
        return List.of(FigureLegend.Item.swatch(band(), "MoE layer, its totals"),
                FigureLegend.Item.text("natural \u2192 kept: the expert the router chose \u2192 the kept one that ran"),
                FigureLegend.Item.swatch(lossColour(), "routing weight lost (bar: against the heaviest layer)"));
    }

    /** The layer rows' shade: the stylesheet's surface, deepened towards its border to show on the page. */
    private Color band() {
        return theme.surface().interpolate(theme.border(), 0.5);
    }

    private Color lossColour() {
        return theme.bonus();
    }

    private int rowCount() {
        int n = 0;
        for (SubstitutionSummary.Layer l : layers()) {
            n += 1 + l.pairs().size();
        }
        return n;
    }

    /** Tall enough for the header and every row (up to {@link #MAX_EXPORT_HEIGHT}). */
    @Override
    public Dimension2D plotSizeFor(double width, double height) {
        return new Dimension2D(width,
                Math.max(height, Math.min(MAX_EXPORT_HEIGHT, 2 * PAD + ROW * (1 + Math.max(1, rowCount())))));
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        g.setFill(theme.background());
        g.fillRect(0, 0, w, h);
        List<PaintedRow> rows = new ArrayList<>();
        painted = rows;
        g.save();
        g.setFont(FONT, FONT_SIZE);
        g.setTextBaseline(VPos.CENTER);
        List<SubstitutionSummary.Layer> shown = layers();
        Columns c = columns(g, shown, w);
        columns = c;

        // header, ruled off
        double y = PAD;
        g.setFill(theme.textMuted());
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(HEADERS.get(0), c.label(), y + ROW / 2, c.nodes() - c.label() - CELL_GAP);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(HEADERS.get(1), c.accepted() - CELL_GAP, y + ROW / 2, c.accepted() - c.nodes() - CELL_GAP);
        g.fillText(HEADERS.get(2), c.lost() - CELL_GAP, y + ROW / 2, c.lost() - c.accepted() - CELL_GAP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(HEADERS.get(3), c.lost(), y + ROW / 2, c.right() - c.lost());
        y += ROW;
        g.setStroke(theme.border());
        g.setLineWidth(1);
        g.strokeLine(c.label() - 4, Math.floor(y) + 0.5, c.right(), Math.floor(y) + 0.5);

        if (shown.isEmpty()) {
            g.setFill(theme.textMuted());
            g.setTextAlign(TextAlignment.CENTER);
            g.fillText(NO_LAYERS, w / 2, (y + h) / 2);
            g.restore();
            return;
        }
        double heaviest = shown.stream().mapToDouble(SubstitutionSummary.Layer::lostWeight).max().orElse(0);
        int total = rowCount();
        int fit = (int) Math.max(0, Math.floor((h - y - PAD) / ROW));
        // Cut off: the last row that fits says how many more there are.
        int room = total <= fit ? total : Math.max(0, fit - 1);
        RowIndex focused = focusedRow();
        double focusY = -1;
        outer:
        for (int i = 0; i < shown.size(); i++) {
            SubstitutionSummary.Layer l = shown.get(i);
            if (rows.size() >= room) {
                break;
            }
            g.setFill(band());
            g.fillRect(c.label() - 4, y, c.right() - c.label() + 4, ROW);
            row(g, c, y, 0, l.describe(), l.nodesAffected(), l.acceptedNodesAffected(), l.lostWeight(), heaviest);
            rows.add(new PaintedRow(l.describe(), true, y));
            focusY = new RowIndex(i, -1).equals(focused) ? y : focusY;
            y += ROW;
            for (int j = 0; j < l.pairs().size(); j++) {
                SubstitutionSummary.Pair p = l.pairs().get(j);
                if (rows.size() >= room) {
                    break outer;
                }
                row(g, c, y, INDENT, p.describe(), p.nodes(), p.acceptedNodes(), p.lostWeight(), heaviest);
                rows.add(new PaintedRow(p.describe(), false, y));
                focusY = new RowIndex(i, j).equals(focused) ? y : focusY;
                y += ROW;
            }
        }
        if (focusY >= 0) {
            FocusStyle.outline(g, theme, theme.background(), c.label() - 4, focusY + 1, c.right() - c.label() + 4,
                    ROW - 2);
        }
        focusedY = focusY;
        if (rows.size() < total && fit > 0) {
            g.setFill(theme.textMuted());
            g.setTextAlign(TextAlignment.LEFT);
            int more = total - rows.size();
            g.fillText(String.format(Locale.ROOT, "\u2026 %d more row%s", more, more == 1 ? "" : "s"), c.label(),
                    y + ROW / 2);
        }
        g.restore();
    }

    private void row(FigureGraphics g, Columns c, double y, double indent, String label, int nodes, int accepted,
                     double lost, double heaviest) {
        double mid = y + ROW / 2;
        g.setFill(theme.text());
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(label, c.label() + indent, mid, c.nodes() - c.label() - indent - CELL_GAP);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(Integer.toString(nodes), c.accepted() - CELL_GAP, mid);
        g.fillText(Integer.toString(accepted), c.lost() - CELL_GAP, mid);
        String value = String.format(Locale.ROOT, "%.3f", lost);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(value, c.lost(), mid);
        double x = c.lost() + g.textWidth("0.000") + 8;
        double bar = Math.min(BAR, c.right() - x);
        if (heaviest > 0 && lost > 0 && bar > 0) {
            g.setFill(lossColour());
            g.fillRect(x, y + 5, Math.max(1, bar * lost / heaviest), ROW - 10);
        }
    }

    /**
     * The columns: the label column as wide as its longest label, each number column as wide as
     * its header. In a narrow figure the label column gives way first (down to a minimum), then
     * every column alike; texts that no longer fit are squeezed.
     */
    private static Columns columns(FigureGraphics g, List<SubstitutionSummary.Layer> layers, double w) {
        double label = g.textWidth(HEADERS.get(0));
        for (SubstitutionSummary.Layer l : layers) {
            label = Math.max(label, g.textWidth(l.describe()));
            for (SubstitutionSummary.Pair p : l.pairs()) {
                label = Math.max(label, INDENT + g.textWidth(p.describe()));
            }
        }
        double left = PAD + 4;
        double room = Math.max(1, w - left - PAD);
        double nodes = g.textWidth(HEADERS.get(1)) + CELL_GAP;
        double accepted = g.textWidth(HEADERS.get(2)) + CELL_GAP;
        double lost = Math.max(g.textWidth(HEADERS.get(3)), g.textWidth("0.000") + 8 + BAR);
        double numbers = nodes + accepted + lost;
        label = Math.max(Math.min(label + CELL_GAP, room - numbers), Math.min(MIN_LABEL, label + CELL_GAP));
        double scale = Math.min(1, room / (label + numbers));
        label *= scale;
        nodes *= scale;
        accepted *= scale;
        lost *= scale;
        double x = left + label;
        return new Columns(left, x, x + nodes, x + nodes + accepted, x + nodes + accepted + lost);
    }
}
