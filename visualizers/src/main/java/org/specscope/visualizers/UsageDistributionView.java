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
        // decades
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.CENTER);
        for (int k = 0; k <= xMaxLog; k++) {
            double x = x0 + k / xMaxLog * pw;
            tick(g, pal, x, y0 + ph, x, y0);
            g.setFill(pal.text);
            g.fillText(decade(k), x, y0 + ph + 4);
        }
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int k = (int) yLo; k <= yHi; k++) {
            double y = y0 + ph - (k - yLo) / (yHi - yLo) * ph;
            tick(g, pal, x0, y, x0 + pw, y);
            g.setFill(pal.text);
            g.fillText(decade(k), x0 - 5, y);
        }
        g.beginPath();
        for (int i = 0; i < used; i++) {
            double x = x0 + Math.log10(i + 1) / xMaxLog * pw;
            double y = y0 + ph - (Math.log10(rank[i]) - yLo) / (yHi - yLo) * ph;
            if (i == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.setStroke(pal.curve);
        g.setLineWidth(2);
        g.stroke();
    }

    private void drawSharePlot(GraphicsContext g, Palette pal, double x0, double y0, double pw, double ph) {
        frame(g, pal, x0, y0, pw, ph, "cumulative share", "fraction of experts (most used first)",
                "fraction of use");
        for (int i = 0; i <= 4; i++) {
            double f = i / 4.0;
            double x = x0 + f * pw;
            double y = y0 + ph - f * ph;
            tick(g, pal, x, y0 + ph, x, y0);
            tick(g, pal, x0, y, x0 + pw, y);
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            g.fillText(fraction(f), x, y0 + ph + 4);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(fraction(f), x0 - 5, y);
        }
        g.setStroke(pal.muted);
        g.setLineWidth(1);
        g.setLineDashes(5, 4);
        g.strokeLine(x0, y0 + ph, x0 + pw, y0);
        g.setLineDashes(null);
        double[] xs = cumulative.experts();
        double[] ys = cumulative.share();
        g.beginPath();
        g.moveTo(x0, y0 + ph);
        for (int i = 1; i < xs.length; i++) {
            g.lineTo(x0 + xs[i] * pw, y0 + ph - ys[i] * ph);
        }
        g.setStroke(pal.accent);
        g.setLineWidth(2);
        g.stroke();
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

    private static void tick(GraphicsContext g, Palette pal, double x1, double y1, double x2, double y2) {
        g.setStroke(pal.grid);
        g.setLineWidth(1);
        g.strokeLine(x1, y1, x2, y2);
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
