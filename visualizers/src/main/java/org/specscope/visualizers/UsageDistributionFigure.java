package org.specscope.visualizers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.ExpertUsage.Curve;
import org.specscope.visualizers.ExpertUsage.Measure;

/**
 * What {@link UsageDistributionView} draws, apart from its nodes: the {@link ExpertUsage} of the
 * run so far, the layer and measure shown, the curves (recomputed only when those change) and the
 * painting of the two plots. The selected step does not matter: the figure shows the run so far.
 *
 * <p>The focus: the focused layer's curves are drawn heavier when it is the layer shown, and
 * overlaid in the focus colour over another layer or the pooled curves; the focused expert's
 * point is marked on both curves. Painting records each rank's point on both curves, which the
 * hover and clicks read ({@link #rankAt}).
 */
public final class UsageDistributionFigure extends AbstractTraceFigure {

    static final double MARGIN_LEFT = 56;
    static final double MARGIN_RIGHT = 16;
    static final double MARGIN_TOP = 22;
    static final double MARGIN_BOTTOM = 36;
    static final double GAP = 64;
    /** The coverage marked on the cumulative curve. */
    static final double COVERAGE = 0.9;
    static final String FONT = "Monospaced";

    private final ExpertUsage usage = new ExpertUsage();
    private final SettingsChanges changes = new SettingsChanges();
    private int layer = ExpertUsage.ALL_LAYERS;
    private Measure measure = Measure.ROUTED_MASS;

    private boolean curvesDirty = true;
    /** Rank to index into {@link ExpertUsage#usage} of the shown layer: an expert, or layer-major pair when pooled. */
    private int[] order = new int[0];
    private int[] rankOf = new int[0];
    // Where the last paint put each rank: on the rank plot (used ranks only) and on the share curve.
    private double[] rankPointX = new double[0];
    private double[] rankPointY = new double[0];
    private double[] sharePointX = new double[0];
    private double[] sharePointY = new double[0];
    private int overlayLayer = -1;
    private String title = "no step yet";
    private double[] rank = new double[0];
    private Curve cumulative = ExpertUsage.cumulativeShare(new double[0]);
    private int unused;
    private int rankPointsDrawn;
    private int sharePointsDrawn;
    // scratch for the screen points of a curve, reused across paints
    private double[] sx = new double[0];
    private double[] sy = new double[0];
    private double[] rx = new double[0];
    private double[] ry = new double[0];

    @Override
    public void start(RunHeader header) {
        usage.clear();
        changes.clear();
        curvesDirty = true;
    }

    @Override
    public void append(StepTrace step) {
        usage.add(step);
        changes.add(step);
        curvesDirty = true;
    }

    @Override
    public void select(int index) {
        // the run so far, whatever step is selected
    }

    /** The MoE layer shown (position in {@link StepTrace#layers()}), or {@link ExpertUsage#ALL_LAYERS}. */
    public void setLayer(int layer) {
        if (layer != this.layer) {
            this.layer = layer;
            curvesDirty = true;
        }
    }

    /** What counts as use. */
    public void setMeasure(Measure measure) {
        if (measure != this.measure) {
            this.measure = measure;
            curvesDirty = true;
        }
    }

    ExpertUsage usage() {
        return usage;
    }

    /** The position in {@link ExpertUsage} of decoder layer {@code number}, -1 when not seen. */
    private int positionOf(int number) {
        for (int l = 0; l < usage.layers(); l++) {
            if (usage.layerNumber(l) == number) {
                return l;
            }
        }
        return -1;
    }

    /** Whether the shown curves are the focused layer's own, drawn heavier. */
    boolean isFocusedLayerShown() {
        return focus.hasLayer() && layer != ExpertUsage.ALL_LAYERS && layer < usage.layers()
                && usage.layerNumber(layer) == focus.layer();
    }

    /**
     * The decoder layer whose curves the last paint overlaid in the focus colour (the focused one,
     * when the plots show another layer or all pooled); -1 for none.
     */
    int overlaidLayer() {
        return overlayLayer;
    }

    /** The rank of the focused expert on the shown curves (of the focused layer, when pooled); -1 for none. */
    int focusedRank() {
        ensureCurves();
        if (!focus.hasExpert() || !focus.hasLayer() || focus.expert() >= usage.numExperts()) {
            return -1;
        }
        if (layer == ExpertUsage.ALL_LAYERS) {
            int l = positionOf(focus.layer());
            return l < 0 ? -1 : rankOf[l * usage.numExperts() + focus.expert()];
        }
        return isFocusedLayerShown() ? rankOf[focus.expert()] : -1;
    }

    /** The decoder layer number and expert of rank {@code rank} on the shown curves, {layer, expert}. */
    int[] expertOfRank(int rank) {
        int i = order[rank];
        return layer == ExpertUsage.ALL_LAYERS
                ? new int[] {usage.layerNumber(i / usage.numExperts()), i % usage.numExperts()}
                : new int[] {usage.layerNumber(layer), i};
    }

    /** Rank to expert (or pair) of the curves: a new array on each recomputation. */
    int[] rankOrder() {
        return order;
    }

    /** The decoder layer number the plots show alone; -1 when pooled or not seen yet. */
    int shownLayerNumber() {
        return layer != ExpertUsage.ALL_LAYERS && layer < usage.layers() ? usage.layerNumber(layer) : -1;
    }

    /**
     * The rank whose point on either curve is nearest plot point (x, y), within {@code reach}
     * pixels; -1 for none. A linear scan: a few thousand points, once per mouse event.
     */
    int rankAt(double x, double y, double reach) {
        int best = -1;
        double bestD2 = reach * reach;
        for (int i = 0; i < rankPointX.length; i++) {
            double d2 = sq(rankPointX[i] - x) + sq(rankPointY[i] - y);
            if (d2 <= bestD2) {
                best = i;
                bestD2 = d2;
            }
        }
        // share point i + 1 is where the first i + 1 experts, rank i the last of them, reach
        for (int i = 1; i < sharePointX.length; i++) {
            double d2 = sq(sharePointX[i] - x) + sq(sharePointY[i] - y);
            if (d2 <= bestD2) {
                best = i - 1;
                bestD2 = d2;
            }
        }
        return best;
    }

    /** The point on the rank plot (or, for an unused rank, the share curve) of {@code rank}, {x, y}; null before a paint. */
    double[] rankPoint(int rank) {
        if (rank < rankPointX.length) {
            return new double[] {rankPointX[rank], rankPointY[rank]};
        }
        return rank + 1 < sharePointX.length ? new double[] {sharePointX[rank + 1], sharePointY[rank + 1]} : null;
    }

    /** Whether plot point (x, y) lies in one of the two plots' frames. */
    boolean inPlots(double x, double y, double w, double h) {
        double pw = (w - 2 * MARGIN_LEFT - MARGIN_RIGHT - GAP) / 2;
        double ph = h - MARGIN_TOP - MARGIN_BOTTOM;
        boolean inY = y >= MARGIN_TOP && y <= MARGIN_TOP + ph;
        double right = 2 * MARGIN_LEFT + pw + GAP;
        return inY && (x >= MARGIN_LEFT && x <= MARGIN_LEFT + pw || x >= right && x <= right + pw);
    }

    /** The tooltip of rank {@code rank}: its layer, expert and use. */
    String describeRank(int rank) {
        int[] le = expertOfRank(rank);
        double total = 0;
        for (double v : this.rank) {
            total += v;
        }
        return String.format(Locale.ROOT, "rank %d of %d: layer %d, expert %d%n%s %.4g (%.2f%% of use)", rank + 1,
                this.rank.length, le[0], le[1], measure.label(), this.rank[rank],
                total > 0 ? 100 * this.rank[rank] / total : 0);
    }

    private static double sq(double v) {
        return v * v;
    }

    double[] rankCurve() {
        return rank.clone();
    }

    Curve cumulativeCurve() {
        return cumulative;
    }

    int unusedExperts() {
        return unused;
    }

    int rankPointsDrawn() {
        return rankPointsDrawn;
    }

    int sharePointsDrawn() {
        return sharePointsDrawn;
    }

    void ensureCurves() {
        if (curvesDirty) {
            computeCurves();
        }
    }

    @Override
    public String caption() {
        ensureCurves();
        return title;
    }

    @Override
    public List<FigureLegend.Item> legend() {
        Palette pal = palette();
        return List.of(FigureLegend.Item.line(pal.curve, null, "use by rank (log-log)"),
                FigureLegend.Item.line(pal.accent, null, "cumulative share of use"),
                FigureLegend.Item.line(pal.muted, new double[] {5, 4}, "uniform use"),
                FigureLegend.Item.swatch(pal.accent, Math.round(100 * COVERAGE) + "% of use covered"));
    }

    Palette palette() {
        return theme.isDark() ? Palette.DARK : Palette.LIGHT;
    }

    private void computeCurves() {
        curvesDirty = false;
        int l = layer;
        double[] use = usage.usage(l, measure);
        // most used first; ties by index, so that a rank names the same expert on every paint
        order = IntStream.range(0, use.length).boxed()
                .sorted((a, b) -> Double.compare(use[b], use[a])).mapToInt(Integer::intValue).toArray();
        rankOf = new int[order.length];
        rank = new double[order.length];
        for (int r = 0; r < order.length; r++) {
            rankOf[order[r]] = r;
            rank[r] = use[order[r]];
        }
        cumulative = ExpertUsage.cumulativeShare(rank);
        unused = 0;
        for (double v : rank) {
            if (!(v > 0)) {
                unused++;
            }
        }
        String which = l == ExpertUsage.ALL_LAYERS ? "all " + usage.layers() + " layers pooled"
                : l < usage.layers() ? "layer " + usage.layerNumber(l) : "layer " + l + " (none yet)";
        title = usage.steps() == 0 ? "no step yet"
                : String.format(Locale.ROOT, "%s \u00b7 %d steps \u00b7 %s \u00b7 %d experts, %d unused", which,
                usage.steps(), measure.label(), rank.length, unused);
        // use pooled over steps that ran different settings mixes them: say so
        if (usage.steps() > 0 && !changes.all().isEmpty()) {
            title += " \u00b7 " + SettingsChange.spanned("run", changes.all());
        }
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        ensureCurves();
        Palette pal = palette();
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        double pw = (w - 2 * MARGIN_LEFT - MARGIN_RIGHT - GAP) / 2;
        double ph = h - MARGIN_TOP - MARGIN_BOTTOM;
        rankPointX = rankPointY = sharePointX = sharePointY = new double[0];
        overlayLayer = -1;
        if (!(pw > 20 && ph > 20) || rank.length == 0) {
            return;
        }
        g.setFont(FONT, 10);
        g.setLineDashes((double[]) null);
        drawRankPlot(g, pal, MARGIN_LEFT, MARGIN_TOP, pw, ph);
        drawSharePlot(g, pal, 2 * MARGIN_LEFT + pw + GAP, MARGIN_TOP, pw, ph);
    }

    /** The focused layer's use, most used first, when it is to be overlaid (not the layer shown); null otherwise. */
    private double[] overlay() {
        if (!focus.hasLayer() || isFocusedLayerShown()) {
            return null;
        }
        int l = positionOf(focus.layer());
        return l < 0 ? null : usage.sortedUsage(l, measure);
    }

    /** Marks the focused expert's point: a dot in the focus colour on a halo of the background. */
    private void markFocusedPoint(FigureGraphics g, Palette pal, double x, double y) {
        g.setFill(pal.background);
        g.fillOval(x - 6, y - 6, 12, 12);
        g.setFill(FocusStyle.colour(theme));
        g.fillOval(x - 4.5, y - 4.5, 9, 9);
    }

    private void drawRankPlot(FigureGraphics g, Palette pal, double x0, double y0, double pw, double ph) {
        int used = rank.length - unused;
        double yMaxLog = Math.ceil(Math.log10(used > 0 ? rank[0] : 1));
        double yMinLog = Math.floor(Math.log10(used > 0 ? rank[used - 1] : 1));
        if (yMaxLog - yMinLog < 1) {
            yMinLog = yMaxLog - 1;
        }
        double xMaxLog = Math.max(1, Math.ceil(Math.log10(rank.length)));
        double yLo = yMinLog;
        double yHi = yMaxLog;
        frame(g, pal, x0, y0, pw, ph, "use by rank", "rank (most used first)",
                measure == Measure.ROUTED_MASS ? "routed mass" : "selections");
        // decades; the grid is one path, stroked once
        g.beginPath();
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.CENTER);
        for (int k = 0; k <= xMaxLog; k++) {
            double x = x0 + k / xMaxLog * pw;
            gridLine(g, x, y0 + ph, x, y0);
            g.setFill(pal.text);
            g.fillText(decade(k), x, y0 + ph + 4);
        }
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int k = (int) yLo; k <= yHi; k++) {
            double y = y0 + ph - (k - yLo) / (yHi - yLo) * ph;
            gridLine(g, x0, y, x0 + pw, y);
            g.setFill(pal.text);
            g.fillText(decade(k), x0 - 5, y);
        }
        strokeGrid(g, pal);
        scratch(used);
        for (int i = 0; i < used; i++) {
            sx[i] = x0 + Math.log10(i + 1) / xMaxLog * pw;
            sy[i] = y0 + ph - (Math.log10(rank[i]) - yLo) / (yHi - yLo) * ph;
        }
        rankPointX = Arrays.copyOf(sx, used);
        rankPointY = Arrays.copyOf(sy, used);
        rankPointsDrawn = reduce(sx, sy, used, rx, ry);
        g.setStroke(pal.curve);
        g.setLineWidth(isFocusedLayerShown() ? 3.5 : 2);
        strokePolyline(g, rx, ry, rankPointsDrawn);

        double[] other = overlay();
        if (other != null) {
            int n = 0;
            scratch(other.length);
            for (int i = 0; i < other.length && other[i] > 0; i++, n++) {
                sx[i] = x0 + Math.log10(i + 1) / xMaxLog * pw;
                sy[i] = y0 + ph - (Math.log10(other[i]) - yLo) / (yHi - yLo) * ph;
            }
            g.save();
            g.clipRect(x0, y0, pw, ph); // another layer's use may run off this layer's scale
            g.setStroke(FocusStyle.colour(theme));
            g.setLineWidth(1.5);
            strokePolyline(g, rx, ry, reduce(sx, sy, n, rx, ry));
            g.restore();
            overlayLayer = focus.layer();
        }
        int focused = focusedRank();
        if (focused >= 0 && focused < used) {
            markFocusedPoint(g, pal, rankPointX[focused], rankPointY[focused]);
        }
    }

    private void drawSharePlot(FigureGraphics g, Palette pal, double x0, double y0, double pw, double ph) {
        frame(g, pal, x0, y0, pw, ph, "cumulative share", "fraction of experts (most used first)",
                "fraction of use");
        g.beginPath();
        for (int i = 0; i <= 4; i++) {
            double f = i / 4.0;
            double x = x0 + f * pw;
            double y = y0 + ph - f * ph;
            gridLine(g, x, y0 + ph, x, y0);
            gridLine(g, x0, y, x0 + pw, y);
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            g.fillText(fraction(f), x, y0 + ph + 4);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(fraction(f), x0 - 5, y);
        }
        strokeGrid(g, pal);
        g.setStroke(pal.muted);
        g.setLineWidth(1);
        g.setLineDashes(5, 4);
        g.strokeLine(x0, y0 + ph, x0 + pw, y0);
        g.setLineDashes((double[]) null);
        double[] xs = cumulative.experts();
        double[] ys = cumulative.share();
        scratch(xs.length);
        for (int i = 0; i < xs.length; i++) {
            sx[i] = x0 + xs[i] * pw;
            sy[i] = y0 + ph - ys[i] * ph;
        }
        sharePointX = Arrays.copyOf(sx, xs.length);
        sharePointY = Arrays.copyOf(sy, xs.length);
        sharePointsDrawn = reduce(sx, sy, xs.length, rx, ry);
        g.setStroke(pal.accent);
        g.setLineWidth(isFocusedLayerShown() ? 3.5 : 2);
        strokePolyline(g, rx, ry, sharePointsDrawn);
        double[] other = overlay();
        if (other != null) {
            Curve c = ExpertUsage.cumulativeShare(other);
            scratch(c.size());
            for (int i = 0; i < c.size(); i++) {
                sx[i] = x0 + c.experts()[i] * pw;
                sy[i] = y0 + ph - c.share()[i] * ph;
            }
            g.setStroke(FocusStyle.colour(theme));
            g.setLineWidth(1.5);
            strokePolyline(g, rx, ry, reduce(sx, sy, c.size(), rx, ry));
        }
        int focused = focusedRank();
        if (focused >= 0) {
            markFocusedPoint(g, pal, sharePointX[focused + 1], sharePointY[focused + 1]);
        }
        int covering = -1;
        for (int i = 0; i < ys.length; i++) {
            if (ys[i] >= COVERAGE) {
                covering = i;
                break;
            }
        }
        if (covering > 0 && unused < rank.length) {
            double x = x0 + xs[covering] * pw;
            double y = y0 + ph - ys[covering] * ph;
            g.setFill(pal.accent);
            g.fillOval(x - 4, y - 4, 8, 8);
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.LEFT);
            g.setTextBaseline(VPos.TOP);
            g.fillText(String.format(Locale.ROOT, "%d of %d experts carry %d%%", covering, rank.length,
                    Math.round(100 * COVERAGE)), x + 8, y + 6);
        }
    }

    private static void strokePolyline(FigureGraphics g, double[] xs, double[] ys, int n) {
        if (n < 2) {
            return;
        }
        g.beginPath();
        g.moveTo(xs[0], ys[0]);
        for (int i = 1; i < n; i++) {
            g.lineTo(xs[i], ys[i]);
        }
        g.stroke();
    }

    private void scratch(int n) {
        if (sx.length < n) {
            sx = new double[n];
            sy = new double[n];
            rx = new double[n];
            ry = new double[n];
        }
    }

    /**
     * Thins a polyline of {@code n} screen points, x ascending, to what a pixel column can show
     * (M4): per column its first, lowest, highest and last point, in their order. The drawn shape
     * is the same to the pixel: inside a column the line only spans those extremes. Returns the
     * count written to {@code outX}/{@code outY} (at most {@code n}); the first and last points are
     * kept exactly.
     */
    static int reduce(double[] x, double[] y, int n, double[] outX, double[] outY) {
        int out = 0;
        int i = 0;
        while (i < n) {
            double column = Math.floor(x[i]);
            int first = i;
            int lo = i;
            int hi = i;
            int j = i + 1;
            while (j < n && Math.floor(x[j]) == column) {
                if (y[j] < y[lo]) {
                    lo = j;
                }
                if (y[j] > y[hi]) {
                    hi = j;
                }
                j++;
            }
            int last = j - 1;
            // the four in index order, each once
            int a = Math.min(lo, hi);
            int b = Math.max(lo, hi);
            out = put(x, y, first, outX, outY, out);
            if (a != first) {
                out = put(x, y, a, outX, outY, out);
            }
            if (b != a && b != first) {
                out = put(x, y, b, outX, outY, out);
            }
            if (last != b && last != first) {
                out = put(x, y, last, outX, outY, out);
            }
            i = j;
        }
        return out;
    }

    private static int put(double[] x, double[] y, int i, double[] outX, double[] outY, int out) {
        outX[out] = x[i];
        outY[out] = y[i];
        return out + 1;
    }

    private static void frame(FigureGraphics g, Palette pal, double x0, double y0, double pw, double ph, String title,
                              String xLabel, String yLabel) {
        g.setStroke(pal.text);
        g.setLineWidth(1);
        g.strokeRect(x0 + 0.5, y0 + 0.5, pw, ph);
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(title + " \u00b7 y: " + yLabel, x0, y0 - 4);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        g.fillText(xLabel, x0 + pw / 2, y0 + ph + 18);
    }

    /** Adds a horizontal or vertical grid line to the path, on pixel centres so it stays one pixel wide. */
    private static void gridLine(FigureGraphics g, double x1, double y1, double x2, double y2) {
        g.moveTo(Math.floor(x1) + 0.5, Math.floor(y1) + 0.5);
        g.lineTo(Math.floor(x2) + 0.5, Math.floor(y2) + 0.5);
    }

    private static void strokeGrid(FigureGraphics g, Palette pal) {
        g.setStroke(pal.grid);
        g.setLineWidth(1);
        g.stroke();
    }

    static String decade(int k) {
        return k >= 0 && k <= 4 ? Long.toString(Math.round(Math.pow(10, k))) : "1e" + k;
    }

    private static String fraction(double f) {
        return f == 0 || f == 1 ? Integer.toString((int) f) : String.format(Locale.ROOT, "%.2f", f);
    }

    record Palette(Color background, Color text, Color muted, Color grid, Color curve, Color accent) {
        static final Palette LIGHT = new Palette(Color.WHITE, Color.web("#1f2328"), Color.web("#8c959f"),
                Color.web("#eaeef2"), Color.web("#3e4a89"), Color.web("#0969da"));
        static final Palette DARK = new Palette(Color.web("#1e1f22"), Color.web("#dfe1e5"), Color.web("#7d8590"),
                Color.web("#2d2f34"), Color.web("#b4de2c"), Color.web("#4a9eff"));
    }
}
