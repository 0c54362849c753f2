package org.specscope.visualizers;

import java.util.Locale;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.ExpertUsage.Curve;
import org.specscope.visualizers.ExpertUsage.Measure;

/**
 * The heavy tail of expert use, over every step so far, for one MoE layer ({@link #layerProperty()}
 * is its position in {@link StepTrace#layers()}; {@link ExpertUsage#ALL_LAYERS} pools every
 * (layer, expert) pair). Left: use by rank on log-log axes (a straight line is a power law;
 * unused experts cannot be shown on a log axis and are counted in the title). Right: the fraction
 * of experts, most used first, against the fraction of use they carry, over the uniform diagonal;
 * the higher the bow, the fewer experts a budget must keep, and the point where 90% of the use is
 * covered (MoE-Spec's coverage policy at tau 0.9) is marked. Use is routed mass (the full-softmax
 * probability summed over tree nodes) or natural top-k selections ({@link #measureProperty()}).
 * The selection on the timeline does not change this view: it shows the run so far.
 *
 * <p>The curves' models are exact (every expert); what is stroked is thinned per pixel column
 * ({@link #reduce}): pooled, 48 x 128 experts crowd a few hundred columns, and stroking thousands
 * of sub-pixel segments was most of a redraw's raster cost for no visible difference.
 */
public final class UsageDistributionView implements TraceView {

    static final double MARGIN_LEFT = 56;
    static final double MARGIN_RIGHT = 16;
    static final double MARGIN_TOP = 22;
    static final double MARGIN_BOTTOM = 36;
    static final double GAP = 64;
    /** The coverage marked on the cumulative curve. */
    static final double COVERAGE = 0.9;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label titleLabel = new Label("no step yet");
    private final IntegerProperty layer = new SimpleIntegerProperty(this, "layer", ExpertUsage.ALL_LAYERS);
    private final ObjectProperty<Measure> measure = new SimpleObjectProperty<>(this, "measure", Measure.ROUTED_MASS);
    private final ObjectProperty<org.specscope.styles.Themes> theme =
            new SimpleObjectProperty<>(this, "theme", org.specscope.styles.Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final ExpertUsage usage = new ExpertUsage();

    private boolean curvesDirty = true;
    private int redraws;
    private double[] rank = new double[0];
    private Curve cumulative = ExpertUsage.cumulativeShare(new double[0]);
    private int unused;
    private int rankPointsDrawn;
    private int sharePointsDrawn;
    // scratch for the screen points of a curve, reused across redraws
    private double[] sx = new double[0];
    private double[] sy = new double[0];
    private double[] rx = new double[0];
    private double[] ry = new double[0];

    public UsageDistributionView() {
        root.getStyleClass().addAll("trace-view", "usage-distribution");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> redraw.request());
        layer.addListener(o -> invalidate());
        measure.addListener(o -> invalidate());
        root.setTop(legend());
        root.setCenter(canvasPane);
    }

    private HBox legend() {
        Label byRank = new Label("\u2014 use by rank (log-log)");
        byRank.setTextFill(Palette.LIGHT.curve);
        Label share = new Label("\u2014 cumulative share of use");
        share.setTextFill(Palette.LIGHT.accent);
        Label uniform = new Label("- - uniform use");
        Label covered = new Label("\u25cf " + Math.round(100 * COVERAGE) + "% of use covered");
        HBox box = new HBox(12, titleLabel, byRank, share, uniform, covered);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("usage-distribution-legend");
        return box;
    }

    @Override
    public String title() {
        return "Expert usage";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void start(RunHeader header) {
        usage.clear();
        invalidate();
    }

    @Override
    public void append(StepTrace step) {
        usage.add(step);
        invalidate();
    }

    @Override
    public void select(int index) {
        // the run so far, whatever step is selected
    }

    private void invalidate() {
        curvesDirty = true;
        redraw.request();
    }

    /** The MoE layer shown (position in {@link StepTrace#layers()}), or {@link ExpertUsage#ALL_LAYERS}. */
    public IntegerProperty layerProperty() {
        return layer;
    }

    /** What counts as use. */
    public ObjectProperty<Measure> measureProperty() {
        return measure;
    }

    /** The theme whose palette the canvas uses. */
    public ObjectProperty<org.specscope.styles.Themes> themeProperty() {
        return theme;
    }

    /** The accumulated use (read-only use, please). */
    public ExpertUsage usage() {
        return usage;
    }

    /** The use by rank drawn by the last redraw (most used first, unused included). */
    public double[] rankCurve() {
        return rank.clone();
    }

    /** The cumulative share drawn by the last redraw. */
    public Curve cumulativeCurve() {
        return cumulative;
    }

    /** Experts of the shown layer never used (not on the log-log plot). */
    public int unusedExperts() {
        return unused;
    }

    /** The title line of the last redraw. */
    public String titleText() {
        return titleLabel.getText();
    }

    /** Points stroked for the use-by-rank curve by the last redraw (after thinning). */
    public int rankPointsDrawn() {
        return rankPointsDrawn;
    }

    /** Points stroked for the cumulative-share curve by the last redraw (after thinning). */
    public int sharePointsDrawn() {
        return sharePointsDrawn;
    }

    /** Redraws done so far. */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private void computeCurves() {
        curvesDirty = false;
        int l = layer.get();
        rank = usage.sortedUsage(l, measure.get());
        cumulative = ExpertUsage.cumulativeShare(rank);
        unused = 0;
        for (double v : rank) {
            if (!(v > 0)) {
                unused++;
            }
        }
        String which = l == ExpertUsage.ALL_LAYERS ? "all " + usage.layers() + " layers pooled"
                : l < usage.layers() ? "layer " + usage.layerNumber(l) : "layer " + l + " (none yet)";
        titleLabel.setText(usage.steps() == 0 ? "no step yet"
                : String.format(Locale.ROOT, "%s \u00b7 %d steps \u00b7 %s \u00b7 %d experts, %d unused", which,
                usage.steps(), measure.get().label(), rank.length, unused));
    }

    private void draw() {
        redraws++;
        if (curvesDirty) {
            computeCurves();
        }
        Palette pal = theme.get().isDark() ? Palette.DARK : Palette.LIGHT;
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        double pw = (w - 2 * MARGIN_LEFT - MARGIN_RIGHT - GAP) / 2;
        double ph = h - MARGIN_TOP - MARGIN_BOTTOM;
        if (!(pw > 20 && ph > 20) || rank.length == 0) {
            return;
        }
        g.setFont(Font.font("Monospaced", 10));
        g.setLineDashes(null);
        drawRankPlot(g, pal, MARGIN_LEFT, MARGIN_TOP, pw, ph);
        drawSharePlot(g, pal, 2 * MARGIN_LEFT + pw + GAP, MARGIN_TOP, pw, ph);
    }

    private void drawRankPlot(GraphicsContext g, Palette pal, double x0, double y0, double pw, double ph) {
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
                measure.get() == Measure.ROUTED_MASS ? "routed mass" : "selections");
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
        rankPointsDrawn = reduce(sx, sy, used, rx, ry);
        g.setStroke(pal.curve);
        g.setLineWidth(2);
        g.strokePolyline(rx, ry, rankPointsDrawn);
    }

    private void drawSharePlot(GraphicsContext g, Palette pal, double x0, double y0, double pw, double ph) {
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
        g.setLineDashes(null);
        double[] xs = cumulative.experts();
        double[] ys = cumulative.share();
        scratch(xs.length);
        for (int i = 0; i < xs.length; i++) {
            sx[i] = x0 + xs[i] * pw;
            sy[i] = y0 + ph - ys[i] * ph;
        }
        sharePointsDrawn = reduce(sx, sy, xs.length, rx, ry);
        g.setStroke(pal.accent);
        g.setLineWidth(2);
        g.strokePolyline(rx, ry, sharePointsDrawn);
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

    private static void frame(GraphicsContext g, Palette pal, double x0, double y0, double pw, double ph, String title,
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
    private static void gridLine(GraphicsContext g, double x1, double y1, double x2, double y2) {
        g.moveTo(Math.floor(x1) + 0.5, Math.floor(y1) + 0.5);
        g.lineTo(Math.floor(x2) + 0.5, Math.floor(y2) + 0.5);
    }

    private static void strokeGrid(GraphicsContext g, Palette pal) {
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

    private record Palette(Color background, Color text, Color muted, Color grid, Color curve, Color accent) {
        static final Palette LIGHT = new Palette(Color.WHITE, Color.web("#1f2328"), Color.web("#8c959f"),
                Color.web("#eaeef2"), Color.web("#3e4a89"), Color.web("#0969da"));
        static final Palette DARK = new Palette(Color.web("#1e1f22"), Color.web("#dfe1e5"), Color.web("#7d8590"),
                Color.web("#2d2f34"), Color.web("#b4de2c"), Color.web("#4a9eff"));
    }
}
