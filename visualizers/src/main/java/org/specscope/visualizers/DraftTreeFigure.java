package org.specscope.visualizers;

import java.util.List;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Dimension2D;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;
import org.specscope.styles.ColorMaps;

/**
 * What {@link DraftTreeView} draws, apart from its nodes: the steps so far, the selection, and
 * the painting of one step's draft tree by {@link TreeLayout}. Painting records the layout and
 * node bounds, which the view's hover and the tests read. The focused node of the shown step is
 * ringed, and with a layer and an expert focused, each node that layer routed to that expert
 * gets a dot in the focus colour.
 */
public final class DraftTreeFigure extends StepFigure {

    static final double BOX_W = 92;
    static final double BOX_H = 24;
    static final double COL_STEP = BOX_W + 44;
    static final double ROW_STEP = BOX_H + 12;
    static final double MARGIN = 16;
    static final String FONT = "Monospaced";
    static final double FONT_SIZE = 12;
    /** The smallest label and box a crowded tree gets; beyond that it needs a bigger canvas ({@link #neededSize}). */
    static final double MIN_FONT_SIZE = 8;
    static final double MIN_BOX_W = 56;
    static final double MIN_BOX_H = 13;
    /** How far a small tree spreads: at most this many times its natural column and row steps. */
    static final double MAX_SPREAD = 3;
    static final double[] BONUS_DASHES = {4, 3};


    // What the last paint showed.
    private StepTrace shown;
    private TreeLayout layout;
    private Bounds[] bounds = new Bounds[0];
    private int[] missing = new int[0];
    private int maxMissing;


    StepTrace shown() {
        return shown;
    }

    TreeLayout layout() {
        return layout;
    }

    Bounds[] bounds() {
        return bounds;
    }

    int[] missing() {
        return missing;
    }

    int maxMissing() {
        return maxMissing;
    }

    /** The node ringed as focused: the focus's node when it is of the shown step; -1 for none. */
    int ringedNode() {
        StepTrace step = stepToShow();
        if (step == null || !focus.hasNode() || focus.step() != step.step() || focus.node() > step.tree().size()) {
            return -1;
        }
        return focus.node();
    }

    /**
     * Per node of the shown step, whether the focused layer routed it to the focused expert (after
     * the budget: the experts it ran on); all false unless both are focused and the step has the layer.
     */
    boolean[] routedToFocus() {
        StepTrace step = stepToShow();
        if (step == null) {
            return new boolean[0];
        }
        boolean[] routed = new boolean[step.tree().size()];
        if (!focus.hasLayer() || !focus.hasExpert()) {
            return routed;
        }
        for (LayerTrace l : step.layers()) {
            if (l.layer() != focus.layer()) {
                continue;
            }
            for (int node = 0; node < routed.length && node < l.nodes(); node++) {
                for (int r = 0; r < l.topK(); r++) {
                    routed[node] |= l.usedExpert(node, r) == focus.expert();
                }
            }
        }
        return routed;
    }

    @Override
    public String caption() {
        return draftsCaption();
    }

    @Override
    public List<FigureLegend.Item> legend() {
        Palette pal = palette();
        return List.of(FigureLegend.Item.outline(pal.accent, null, "accepted path"),
                FigureLegend.Item.outline(pal.bonus, BONUS_DASHES, "bonus token"),
                FigureLegend.Item.ramp("natural experts missing"));
    }

    Color accentColor() {
        return palette().accent;
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        Palette pal = palette();
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        ensureModel();
        StepTrace step = shown;
        if (step == null) {
            return;
        }
        TreeTrace tree = step.tree();
        int n = tree.size();
        int bonus = n;
        Placement place = place(layout, w, h);
        if (place == null) {
            return;
        }
        bounds = place.bounds();
        double scale = place.fontSize() / FONT_SIZE;

        // edges first, the accepted path last so that it lies on top
        g.setRoundCaps(true);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 1; i <= n; i++) {
                boolean onPath = i == bonus || tree.isAccepted(i);
                if (onPath != (pass == 1)) {
                    continue;
                }
                Bounds a = bounds[layout.parent(i)];
                Bounds b = bounds[i];
                g.setStroke(i == bonus ? pal.bonus : onPath ? pal.accent : pal.edge);
                g.setLineWidth(onPath ? 2.5 : 1);
                g.setLineDashes(i == bonus ? BONUS_DASHES : null);
                double x0 = a.getMaxX();
                double y0 = a.getCenterY();
                double x1 = b.getMinX();
                double y1 = b.getCenterY();
                double mx = (x0 + x1) / 2;
                g.beginPath();
                g.moveTo(x0, y0);
                g.bezierCurveTo(mx, y0, mx, y1, x1, y1);
                g.stroke();
            }
        }
        g.setLineDashes((double[]) null);

        g.setFont(FONT, place.fontSize());
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i <= n; i++) {
            Bounds b = bounds[i];
            boolean isBonus = i == bonus;
            Color fill = isBonus ? pal.background
                    : ColorMaps.sequential(maxMissing == 0 ? 0 : (double) missing[i] / maxMissing);
            g.setFill(fill);
            g.fillRoundRect(b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight(), 6, 6);
            if (isBonus) {
                g.setStroke(pal.bonus);
                g.setLineWidth(2);
                g.setLineDashes(BONUS_DASHES);
                g.strokeRoundRect(b.getMinX() + 1, b.getMinY() + 1, b.getWidth() - 2, b.getHeight() - 2, 6, 6);
                g.setLineDashes((double[]) null);
            } else if (tree.isAccepted(i)) {
                g.setStroke(pal.accent);
                g.setLineWidth(3);
                g.strokeRoundRect(b.getMinX() + 1.5, b.getMinY() + 1.5, b.getWidth() - 3, b.getHeight() - 3, 6, 6);
            } else {
                g.setStroke(pal.edge);
                g.setLineWidth(1);
                g.strokeRoundRect(b.getMinX() + 0.5, b.getMinY() + 0.5, b.getWidth() - 1, b.getHeight() - 1, 6, 6);
            }
            String label = isBonus ? tree.bonusText() : tree.texts().get(i);
            g.setFill(isBonus ? pal.text : luminance(fill) > 0.45 ? Color.BLACK : Color.WHITE);
            g.fillText(shorten(visible(label)), b.getCenterX(), b.getCenterY(), b.getWidth() - 8 * scale);
        }
        paintFocus(g, pal);
    }

    /** The focused node's ring, just outside its box, and a dot on each node routed to the focused expert. */
    private void paintFocus(FigureGraphics g, Palette pal) {
        boolean[] routed = routedToFocus();
        for (int i = 0; i < routed.length; i++) {
            if (routed[i]) {
                Bounds b = bounds[i];
                double d = Math.max(6, b.getHeight() * 0.4);
                g.setFill(pal.background);
                g.fillOval(b.getMaxX() - d * 0.75 - 1, b.getMinY() - d * 0.25 - 1, d + 2, d + 2);
                g.setFill(FocusStyle.colour(theme));
                g.fillOval(b.getMaxX() - d * 0.75, b.getMinY() - d * 0.25, d, d);
            }
        }
        int ringed = ringedNode();
        if (ringed >= 0) {
            Bounds b = bounds[ringed];
            double out = FocusStyle.LINE + 1;
            FocusStyle.ring(g, theme, pal.background, b.getMinX() - out, b.getMinY() - out, b.getWidth() + 2 * out,
                    b.getHeight() + 2 * out, 10);
        }
    }

    /**
     * The canvas the shown tree needs: the asked size where its layout fits at a readable box
     * size, else as tall (and wide) as the rows (and columns) need at the smallest readable box.
     */
    @Override
    public Dimension2D plotSizeFor(double w, double h) {
        ensureModel();
        return layout == null ? new Dimension2D(w, h) : neededSize(layout, w, h);
    }

    /** The canvas {@code layout} needs, at least w x h: where {@link #place} puts every box inside it. */
    static Dimension2D neededSize(TreeLayout layout, double w, double h) {
        // Past the readable minimum, a crowded axis keeps its smallest step whatever the room:
        // placing it in the room there is gives the extent it needs.
        Placement p = place(layout, Math.max(w, 2 * MARGIN + 1), Math.max(h, 2 * MARGIN + 1));
        double right = 0;
        double bottom = 0;
        for (Bounds b : p.bounds()) {
            right = Math.max(right, b.getMaxX());
            bottom = Math.max(bottom, b.getMaxY());
        }
        return new Dimension2D(Math.max(w, Math.ceil(right + MARGIN)), Math.max(h, Math.ceil(bottom + MARGIN)));
    }

    /** Node boxes on a w x h canvas and the labels' font size. */
    record Placement(Bounds[] bounds, double fontSize) {
    }

    /**
     * Places the layout's nodes on a w x h canvas, scaling columns and rows independently:
     * columns spread across the width and rows across the height (up to {@link #MAX_SPREAD}
     * times their natural step), and a crowded axis shrinks its step and boxes, down to a
     * readable minimum box and font, past which the tree overflows (the view then scrolls a
     * canvas of {@link #neededSize}). Null for an empty canvas.
     */
    static Placement place(TreeLayout layout, double w, double h) {
        double availW = w - 2 * MARGIN;
        double availH = h - 2 * MARGIN;
        if (!(availW > 0 && availH > 0)) {
            return null;
        }
        double[] x = axis(layout.columns(), availW, COL_STEP, BOX_W, MIN_BOX_W);
        double[] y = axis(layout.rows(), availH, ROW_STEP, BOX_H, MIN_BOX_H);
        double colStep = x[0];
        double boxW = x[1];
        double rowStep = y[0];
        double boxH = y[1];
        double fontSize = Math.clamp(FONT_SIZE * Math.min(boxW / BOX_W, boxH / BOX_H), MIN_FONT_SIZE, FONT_SIZE);
        Bounds[] bounds = new Bounds[layout.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = new BoundingBox(MARGIN + layout.column(i) * colStep, MARGIN + layout.row(i) * rowStep, boxW, boxH);
        }
        return new Placement(bounds, fontSize);
    }

    /** One axis: {step, box} for {@code count} cells in {@code avail}, natural {@code step} and {@code box}. */
    private static double[] axis(int count, double avail, double step, double box, double minBox) {
        double natural = (count - 1) * step + box;
        if (natural <= avail) {
            // room to spare: the boxes keep their size and the cells spread out
            double spread = count > 1 ? Math.min(MAX_SPREAD * step, (avail - box) / (count - 1)) : step;
            return new double[]{spread, box};
        }
        double scale = avail / natural;
        double b = Math.max(minBox, box * scale);
        // a step that fits, but never so small that boxes touch
        double s = count > 1 ? Math.max(b + 2, (avail - b) / (count - 1)) : step;
        return new double[]{s, b};
    }

    /** Lays out the step to show, when it is not the one laid out last. */
    private void ensureModel() {
        StepTrace step = stepToShow();
        if (step != shown) {
            shown = step;
            computeModel();
        }
    }

    private void computeModel() {
        if (shown == null) {
            layout = null;
            bounds = new Bounds[0];
            missing = new int[0];
            maxMissing = 0;
            return;
        }
        TreeTrace tree = shown.tree();
        int n = tree.size();
        int[] parents = new int[n + 1];
        for (int i = 0; i < n; i++) {
            parents[i] = tree.parents().get(i);
        }
        parents[n] = tree.acceptedPath().get(tree.acceptedPath().size() - 1);
        layout = TreeLayout.of(parents);
        missing = new int[n + 1];
        maxMissing = 0;
        for (LayerTrace l : shown.layers()) {
            maxMissing += l.topK();
            for (int i = 0; i < n && i < l.nodes(); i++) {
                missing[i] += l.missingNatural(i);
            }
        }
        bounds = new Bounds[0];
    }

    private Palette palette() {
        return theme.isDark()
                ? new Palette(Color.web("#1e1f22"), Color.web("#4a9eff"), Color.web("#e69f00"), Color.web("#5a5d63"),
                Color.web("#dfe1e5"))
                : new Palette(Color.WHITE, Color.web("#0969da"), Color.web("#d55e00"), Color.web("#b0b7c0"),
                Color.web("#1f2328"));
    }

    private record Palette(Color background, Color accent, Color bonus, Color edge, Color text) {
    }

    private static double luminance(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    static String visible(String token) {
        if (token.isEmpty()) {
            return "\u2205";
        }
        return token.replace("\n", "\u23ce").replace("\t", "\u21e5").replace("\r", "");
    }

    static String shorten(String s) {
        return s.length() > 12 ? s.substring(0, 11) + "\u2026" : s;
    }
}
