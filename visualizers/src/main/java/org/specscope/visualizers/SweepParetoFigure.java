package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepResults.Point;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;

/**
 * What {@link SweepParetoView} draws, apart from its nodes: a sweep's quality/speed trade-off
 * under the chosen axes, painted on any {@link FigureGraphics}. The legend row (a dot per policy,
 * the unbudgeted diamond, the frontier band) is part of the painting, on screen too, so that a
 * point near a corner is never hidden under it; the caption goes above it in an export
 * ({@link #paint}) and into the view's label on screen ({@link #paintPlot}). Needs no running
 * JavaFX toolkit, so that the figure can be written from the command line.
 */
public final class SweepParetoFigure implements VectorFigure {

    static final double LEFT = 60;
    static final double RIGHT = 24;
    static final double TOP = 20;
    static final double BOTTOM = 40;
    static final double RADIUS = 4.5;
    static final String FONT = "Monospaced";
    static final double FONT_SIZE = 11;
    static final String EMPTY = "no budgeted settings in this sweep (was it run with --no-budgets?)";

    private SweepResults results;
    private Speed speed = Speed.SPEEDUP;
    private Quality quality = Quality.EXACT_MATCH;
    private Themes theme = Themes.LIGHT;

    // What the last paint showed, by setting: the view's hover and the tests read it.
    private final Map<String, Point2D> centres = new LinkedHashMap<>();
    private final List<String> frontier = new ArrayList<>();
    private Bounds plotArea = new BoundingBox(0, 0, 0, 0);
    // Labels placed in this paint: a later label that would overlap one moves down a line.
    private final List<BoundingBox> placedLabels = new ArrayList<>();

    /** The sweep shown; null for none. */
    public void setResults(SweepResults results) {
        this.results = results;
    }

    public SweepResults results() {
        return results;
    }

    /** The x axis. */
    public void setSpeed(Speed speed) {
        this.speed = speed;
    }

    /** The y axis. */
    public void setQuality(Quality quality) {
        this.quality = quality;
    }

    public void setTheme(Themes theme) {
        this.theme = theme;
    }

    /** The model, drafter, clock and tree the sweep ran with ("no sweep" before one). */
    public String caption() {
        SweepResults r = results;
        if (r == null) {
            return "no sweep";
        }
        return r.model() + (r.drafter().isEmpty() ? "" : ", drafter " + r.drafter())
                + (r.clock().isEmpty() ? "" : ", " + r.clock()) + (r.tree().isEmpty() ? "" : ", " + r.tree());
    }

    /** One dot per policy line in its colour, the unbudgeted diamond, the frontier band. */
    public List<FigureLegend.Item> legend() {
        if (results == null || results.plotted().isEmpty()) {
            return List.of();
        }
        Palette pal = palette();
        List<FigureLegend.Item> items = new ArrayList<>();
        int s = 0;
        for (String series : results.series().keySet()) {
            items.add(FigureLegend.Item.dot(pal.series(s++), series));
        }
        if (results.unbudgeted().isPresent()) {
            items.add(FigureLegend.Item.diamond(pal.reference, "unbudgeted"));
        }
        items.add(FigureLegend.Item.band(pal.frontier, "Pareto frontier"));
        items.add(FigureLegend.Item.text("labels: B (or \u03c4), mean accepted length"));
        return items;
    }

    // ---- what the last paint showed ----------------------------------------------------------

    /** The settings drawn as points, in the file's order. */
    public List<String> drawnSettings() {
        return List.copyOf(centres.keySet());
    }

    /** Where {@code setting}'s point was drawn, or null. */
    public Point2D centre(String setting) {
        return centres.get(setting);
    }

    /** The settings on the highlighted frontier, in order of x. */
    public List<String> frontierSettings() {
        return List.copyOf(frontier);
    }

    /** The plot area inside the axes (empty before a paint that drew points). */
    public Bounds plotArea() {
        return plotArea;
    }

    /** The setting whose point is within a few pixels of (x, y), or null. */
    public String settingAt(double x, double y) {
        String best = null;
        double bestD = RADIUS + 4;
        for (var e : centres.entrySet()) {
            double d = e.getValue().distance(x, y);
            if (d <= bestD) {
                bestD = d;
                best = e.getKey();
            }
        }
        return best;
    }

    /** One setting's figures, in words (the hover). */
    public String describe(String setting) {
        if (results == null) {
            return "";
        }
        return results.points().stream().filter(p -> p.setting().equals(setting)).findFirst().map(p -> String.format(
                Locale.ROOT, "%s%n%.1f tokens/s (%.2fx autoregressive)%nmean accepted %.2f, kept experts %.1f%n"
                        + "exact match %.3f, top-1 agreement %.3f, KL %.5f%nover %d prompt%s%s",
                p.setting(), p.tokensPerSecond(), p.speedup(), p.meanAccepted(), p.meanKeptExperts(), p.exactMatch(),
                p.top1Agreement(), p.klMean(), p.prompts(), p.prompts() == 1 ? "" : "s",
                frontier.contains(setting) ? "\non the frontier" : "")).orElse("");
    }

    // ---- painting ----------------------------------------------------------------------------

    /** The caption and legend on top, the chart below them: the figure as exported. */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        Palette pal = palette();
        g.save();
        g.setFill(pal.background);
        g.fillRect(0, 0, width, height);
        double top = FigureLegend.paint(g, caption(), legend(), pal.text, width);
        paintChart(g, pal, width, top, height);
        g.restore();
    }

    /** What the view's canvas shows: the legend row and the chart (the caption is the view's label). */
    public void paintPlot(FigureGraphics g, double width, double height) {
        Palette pal = palette();
        g.setFill(pal.background);
        g.fillRect(0, 0, width, height);
        List<FigureLegend.Item> items = legend();
        double top = items.isEmpty() ? 0 : FigureLegend.paintItems(g, items, pal.text, width);
        paintChart(g, pal, width, top, height);
    }

    /** The chart in (0, top) to (w, h). */
    private void paintChart(FigureGraphics g, Palette pal, double w, double top, double h) {
        centres.clear();
        frontier.clear();
        placedLabels.clear();
        plotArea = new BoundingBox(0, 0, 0, 0);
        SweepResults r = results;
        if (r == null) {
            return;
        }
        g.setLineDashes((double[]) null);
        g.setFont(FONT, FONT_SIZE);
        List<Point> plotted = r.plotted();
        if (plotted.isEmpty()) {
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(EMPTY, w / 2, (top + h) / 2);
            return;
        }
        double plotTop = top + TOP;
        if (w <= LEFT + RIGHT + 20 || h <= plotTop + BOTTOM + 20) {
            return;
        }
        Speed sx = speed;
        Quality qy = quality;
        double xMin = plotted.stream().mapToDouble(sx::of).min().orElse(0);
        double xMax = plotted.stream().mapToDouble(sx::of).max().orElse(1);
        double pad = Math.max((xMax - xMin) * 0.08, Math.abs(xMax) * 0.02 + 1e-9);
        double qMin = plotted.stream().mapToDouble(qy::of).min().orElse(0);
        ChartAxis xAxis = new ChartAxis(xMin - pad, xMax + pad, LEFT, w - RIGHT);
        // Quality is a fraction: from a round step below the worst point up to 1.
        double yLow = Math.max(0, Math.floor((qMin - 0.05) * 10) / 10);
        ChartAxis yAxis = new ChartAxis(yLow, 1.02, h - BOTTOM, plotTop);
        plotArea = new BoundingBox(LEFT, plotTop, w - RIGHT - LEFT, h - BOTTOM - plotTop);

        // grid, axes, ticks
        g.setLineWidth(1);
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        for (double v : yAxis.ticks(6)) {
            double y = snap(yAxis.toPixel(v));
            g.setStroke(pal.grid);
            g.strokeLine(LEFT, y, w - RIGHT, y);
            g.setFill(pal.text);
            g.fillText(String.format(Locale.ROOT, "%.2f", v), LEFT - 6, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (double v : xAxis.ticks(7)) {
            double x = snap(xAxis.toPixel(v));
            g.setStroke(pal.grid);
            g.strokeLine(x, plotTop, x, h - BOTTOM);
            g.setFill(pal.text);
            g.fillText(tick(v), x, h - BOTTOM + 4);
        }
        g.setStroke(pal.axis);
        g.strokeLine(snap(LEFT), plotTop, snap(LEFT), snap(h - BOTTOM));
        g.strokeLine(LEFT, snap(h - BOTTOM), w - RIGHT, snap(h - BOTTOM));
        g.setFill(pal.text);
        g.fillText(xTitle(sx), (LEFT + w - RIGHT) / 2, h - BOTTOM + 20);
        g.save();
        g.translate(14, (plotTop + h - BOTTOM) / 2);
        g.rotate(-90);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(qy.label(), 0, 0);
        g.restore();

        for (Point p : plotted) {
            centres.put(p.setting(), new Point2D(xAxis.toPixel(sx.of(p)), yAxis.toPixel(qy.of(p))));
        }

        // The frontier first, as a broad band under everything else.
        List<Point> front = r.frontier(sx, qy);
        front.forEach(p -> frontier.add(p.setting()));
        g.setStroke(pal.frontier);
        g.setLineWidth(9);
        g.setRoundCaps(true);
        polyline(g, front.stream().map(p -> centres.get(p.setting())).toList());
        g.setRoundCaps(false);

        // The unbudgeted reference: a dashed line down at its x.
        r.unbudgeted().ifPresent(u -> {
            Point2D c = centres.get(u.setting());
            g.setStroke(pal.reference);
            g.setLineWidth(1);
            g.setLineDashes(4, 4);
            g.strokeLine(c.getX(), plotTop, c.getX(), h - BOTTOM);
            g.setLineDashes((double[]) null);
        });

        // One line per policy.
        int s = 0;
        for (var e : r.series().entrySet()) {
            Color colour = pal.series(s++);
            g.setStroke(colour);
            g.setLineWidth(1.6);
            polyline(g, e.getValue().stream().map(p -> centres.get(p.setting())).toList());
            for (Point p : e.getValue()) {
                Point2D c = centres.get(p.setting());
                g.setFill(colour);
                g.fillOval(c.getX() - RADIUS, c.getY() - RADIUS, 2 * RADIUS, 2 * RADIUS);
                ringIfOnFrontier(g, pal, p, c);
                label(g, pal, p, c, w);
            }
        }
        r.unbudgeted().ifPresent(u -> {
            Point2D c = centres.get(u.setting());
            g.setFill(pal.reference);
            double d = RADIUS + 1;
            g.fillPolygon(new double[] {c.getX(), c.getX() + d, c.getX(), c.getX() - d},
                    new double[] {c.getY() - d, c.getY(), c.getY() + d, c.getY()}, 4);
            ringIfOnFrontier(g, pal, u, c);
            label(g, pal, u, c, w);
        });
    }

    static String xTitle(Speed sx) {
        return sx.label() + (sx.higherIsBetter() ? "  \u2192 better" : "  \u2190 better");
    }

    private static void polyline(FigureGraphics g, List<Point2D> points) {
        for (int i = 1; i < points.size(); i++) {
            g.strokeLine(points.get(i - 1).getX(), points.get(i - 1).getY(), points.get(i).getX(), points.get(i).getY());
        }
    }

    private void ringIfOnFrontier(FigureGraphics g, Palette pal, Point p, Point2D c) {
        if (frontier.contains(p.setting())) {
            g.setStroke(pal.text);
            g.setLineWidth(1.5);
            double r = RADIUS + 3;
            g.strokeOval(c.getX() - r, c.getY() - r, 2 * r, 2 * r);
        }
    }

    /** "B=8, acc 2.50" beside the point, flipped to its left near the right edge. */
    private void label(FigureGraphics g, Palette pal, Point p, Point2D c, double w) {
        String text = p.isUnbudgeted() ? "unbudgeted, " + p.label().substring(p.label().indexOf("acc")) : p.label();
        double width = g.textWidth(text);
        boolean left = c.getX() + RADIUS + 4 + width > w - RIGHT;
        double x = left ? c.getX() - RADIUS - 4 - width : c.getX() + RADIUS + 4;
        double y = c.getY() - 2;
        // Points of a sweep often coincide (equal exactness, near-equal speed): stack their labels.
        for (int tries = 0; tries < 8; tries++) {
            BoundingBox box = new BoundingBox(x, y - 12, width, 12);
            if (placedLabels.stream().noneMatch(b -> b.intersects(box))) {
                break;
            }
            y += 13;
        }
        placedLabels.add(new BoundingBox(x, y - 12, width, 12));
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(text, x, y);
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        return a >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double snap(double v) {
        return Math.floor(v) + 0.5;
    }

    Palette palette() {
        return theme.isDark()
                ? new Palette(theme.background(), theme.text(), Color.web("#43454a"), Color.web("#8c9097"),
                Color.web("#dfe1e5"), Color.web("#4a9eff", 0.35),
                List.of(Color.web("#56b4e9"), Color.web("#e69f00"), Color.web("#009e73"), Color.web("#cc79a7")))
                : new Palette(theme.background(), theme.text(), Color.web("#e6e8eb"), Color.web("#6a737d"),
                Color.web("#1f2328"), Color.web("#0969da", 0.25),
                List.of(Color.web("#0072b2"), Color.web("#d55e00"), Color.web("#009e73"), Color.web("#cc79a7")));
    }

    /** Okabe-Ito series colours (colour-blind safe), in order of the sweep's policies. */
    record Palette(Color background, Color text, Color grid, Color axis, Color reference, Color frontier,
                   List<Color> seriesColours) {
        Color series(int i) {
            return seriesColours.get(i % seriesColours.size());
        }
    }
}
