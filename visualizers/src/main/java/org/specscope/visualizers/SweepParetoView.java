package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepResults.Point;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;

/**
 * The quality/speed trade-off of expert budgets from a sweep's output: x = speed (speedup,
 * tokens/s) or mean kept experts, y = quality (exact match or top-1 agreement with the
 * unbudgeted run), both selectable. One line per policy (substitute, truncate, and coverage
 * budgets), each point labelled with its B (or tau) and mean accepted length; the unbudgeted
 * run as a reference diamond with a dashed line; the Pareto frontier as a broad band under the
 * points and a ring round each of its points. Not a trace view: it shows finished sweep files,
 * not a live run. Drawn on a canvas, at most once per pulse.
 */
public final class SweepParetoView implements Themed {

    static final double LEFT = 60;
    static final double RIGHT = 24;
    static final double TOP = 20;
    static final double BOTTOM = 40;
    static final double RADIUS = 4.5;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label caption = new Label("no sweep");
    private final Tooltip tooltip = new Tooltip();
    private final ObjectProperty<SweepResults> results = new SimpleObjectProperty<>(this, "results");
    private final ObjectProperty<Speed> speed = new SimpleObjectProperty<>(this, "speed", Speed.SPEEDUP);
    private final ObjectProperty<Quality> quality = new SimpleObjectProperty<>(this, "quality", Quality.EXACT_MATCH);
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final Font font = Font.font("Monospaced", 11);
    private int redraws;

    // What the last draw showed, by setting: the hover and the tests read it.
    private final Map<String, Point2D> centres = new LinkedHashMap<>();
    private final List<String> frontier = new ArrayList<>();
    private String hovered;
    // Labels placed in this draw: a later label that would overlap one moves down a line.
    private final List<javafx.geometry.BoundingBox> placedLabels = new ArrayList<>();

    public SweepParetoView() {
        root.getStyleClass().addAll("trace-view", "sweep-pareto");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        for (var p : List.of(canvas.widthProperty(), canvas.heightProperty(), results, speed, quality, theme)) {
            p.addListener(o -> redraw.request());
        }
        root.setTop(controls());
        root.setCenter(canvasPane);
        canvas.setOnMouseMoved(e -> {
            String at = settingAt(e.getX(), e.getY());
            if (!java.util.Objects.equals(at, hovered)) {
                hovered = at;
                if (at == null) {
                    tooltip.hide();
                } else {
                    tooltip.setText(describe(at));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hovered = null;
            tooltip.hide();
        });
    }

    private HBox controls() {
        ChoiceBox<Speed> x = new ChoiceBox<>(FXCollections.observableArrayList(Speed.values()));
        x.setId("sweepSpeedChoice");
        x.valueProperty().bindBidirectional(speed);
        ChoiceBox<Quality> y = new ChoiceBox<>(FXCollections.observableArrayList(Quality.values()));
        y.setId("sweepQualityChoice");
        y.valueProperty().bindBidirectional(quality);
        caption.setId("sweepCaption");
        caption.setMinWidth(0);
        x.setMinWidth(Region.USE_PREF_SIZE);
        y.setMinWidth(Region.USE_PREF_SIZE);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox box = new HBox(8, caption, spring, new Label("x"), x, new Label("y"), y);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("cascade-legend");   // the legend bar's look, shared with the Cascade view
        box.setStyle("-fx-padding: 4 8 4 8;");
        return box;
    }

    /** The tab title: the sweep's directory. */
    public String title() {
        SweepResults r = results.get();
        return r == null || r.directory().getFileName() == null ? "Sweep" : "Sweep " + r.directory().getFileName();
    }

    public Node node() {
        return root;
    }

    public ObjectProperty<SweepResults> resultsProperty() {
        return results;
    }

    /** The x axis. */
    public ObjectProperty<Speed> speedProperty() {
        return speed;
    }

    /** The y axis. */
    public ObjectProperty<Quality> qualityProperty() {
        return quality;
    }

    @Override
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    // ---- what the last draw showed (tests, hover) -----------------------------------------

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
        SweepResults r = results.get();
        if (r == null) {
            return "";
        }
        return r.points().stream().filter(p -> p.setting().equals(setting)).findFirst().map(p -> String.format(Locale.ROOT,
                "%s%n%.1f tokens/s (%.2fx autoregressive)%nmean accepted %.2f, kept experts %.1f%n"
                        + "exact match %.3f, top-1 agreement %.3f, KL %.5f%nover %d prompt%s%s",
                p.setting(), p.tokensPerSecond(), p.speedup(), p.meanAccepted(), p.meanKeptExperts(), p.exactMatch(),
                p.top1Agreement(), p.klMean(), p.prompts(), p.prompts() == 1 ? "" : "s",
                frontier.contains(setting) ? "\non the frontier" : "")).orElse("");
    }

    public int redrawCount() {
        return redraws;
    }

    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    // ---- drawing ---------------------------------------------------------------------------

    private void draw() {
        redraws++;
        Palette pal = palette();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setLineDashes(null);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        centres.clear();
        frontier.clear();
        placedLabels.clear();
        g.setFont(font);
        SweepResults r = results.get();
        if (r == null) {
            caption.setText("no sweep");
            return;
        }
        caption.setText(r.model() + (r.drafter().isEmpty() ? "" : ", drafter " + r.drafter())
                + (r.clock().isEmpty() ? "" : ", " + r.clock()) + (r.tree().isEmpty() ? "" : ", " + r.tree()));
        List<Point> plotted = r.plotted();
        Speed sx = speed.get();
        Quality qy = quality.get();
        if (plotted.isEmpty()) {
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("no budgeted settings in this sweep (was it run with --no-budgets?)", w / 2, h / 2);
            return;
        }
        if (w <= LEFT + RIGHT + 20 || h <= TOP + BOTTOM + 20) {
            return;
        }
        double xMin = plotted.stream().mapToDouble(sx::of).min().orElse(0);
        double xMax = plotted.stream().mapToDouble(sx::of).max().orElse(1);
        double pad = Math.max((xMax - xMin) * 0.08, Math.abs(xMax) * 0.02 + 1e-9);
        double qMin = plotted.stream().mapToDouble(qy::of).min().orElse(0);
        ChartAxis xAxis = new ChartAxis(xMin - pad, xMax + pad, LEFT, w - RIGHT);
        // Quality is a fraction: from a round step below the worst point up to 1.
        double yLow = Math.max(0, Math.floor((qMin - 0.05) * 10) / 10);
        ChartAxis yAxis = new ChartAxis(yLow, 1.02, h - BOTTOM, TOP);

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
            g.strokeLine(x, TOP, x, h - BOTTOM);
            g.setFill(pal.text);
            g.fillText(tick(v), x, h - BOTTOM + 4);
        }
        g.setStroke(pal.axis);
        g.strokeLine(snap(LEFT), TOP, snap(LEFT), snap(h - BOTTOM));
        g.strokeLine(LEFT, snap(h - BOTTOM), w - RIGHT, snap(h - BOTTOM));
        g.setFill(pal.text);
        g.fillText(sx.label() + (sx.higherIsBetter() ? "  \u2192 better" : "  \u2190 better"), (LEFT + w - RIGHT) / 2,
                h - BOTTOM + 20);
        g.save();
        g.translate(14, (TOP + h - BOTTOM) / 2);
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
        g.setLineCap(javafx.scene.shape.StrokeLineCap.ROUND);
        g.setLineJoin(javafx.scene.shape.StrokeLineJoin.ROUND);
        polyline(g, front.stream().map(p -> centres.get(p.setting())).toList());

        // The unbudgeted reference: a dashed line across at its quality and one down at its x.
        r.unbudgeted().ifPresent(u -> {
            Point2D c = centres.get(u.setting());
            g.setStroke(pal.reference);
            g.setLineWidth(1);
            g.setLineDashes(4, 4);
            g.strokeLine(c.getX(), TOP, c.getX(), h - BOTTOM);
            g.setLineDashes(null);
        });

        // One line per policy.
        int s = 0;
        double legendY = TOP + 8;
        g.setTextBaseline(VPos.CENTER);
        for (var e : r.series().entrySet()) {
            Color colour = pal.series(s++);
            List<Point2D> line = e.getValue().stream().map(p -> centres.get(p.setting())).toList();
            g.setStroke(colour);
            g.setLineWidth(1.6);
            polyline(g, line);
            for (Point p : e.getValue()) {
                marker(g, centres.get(p.setting()), colour, pal, frontier.contains(p.setting()));
                label(g, pal, p, centres.get(p.setting()), w);
            }
            // legend, top right
            g.setFill(colour);
            g.fillOval(w - RIGHT - 150, legendY - RADIUS, 2 * RADIUS, 2 * RADIUS);
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(e.getKey(), w - RIGHT - 136, legendY);
            legendY += 16;
        }
        r.unbudgeted().ifPresent(u -> {
            Point2D c = centres.get(u.setting());
            diamond(g, c, pal.reference, pal, frontier.contains(u.setting()));
            label(g, pal, u, c, w);
        });
        g.setFill(pal.reference);
        diamondAt(g, w - RIGHT - 150 + RADIUS, legendY);
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("unbudgeted", w - RIGHT - 136, legendY);
        legendY += 16;
        g.setStroke(pal.frontier);
        g.setLineWidth(7);
        g.strokeLine(w - RIGHT - 152, legendY, w - RIGHT - 140, legendY);
        g.setFill(pal.text);
        g.fillText("Pareto frontier", w - RIGHT - 136, legendY);
        g.setLineCap(javafx.scene.shape.StrokeLineCap.SQUARE);
    }

    private static void polyline(GraphicsContext g, List<Point2D> points) {
        for (int i = 1; i < points.size(); i++) {
            g.strokeLine(points.get(i - 1).getX(), points.get(i - 1).getY(), points.get(i).getX(), points.get(i).getY());
        }
    }

    private static void marker(GraphicsContext g, Point2D c, Color colour, Palette pal, boolean onFrontier) {
        g.setFill(colour);
        g.fillOval(c.getX() - RADIUS, c.getY() - RADIUS, 2 * RADIUS, 2 * RADIUS);
        if (onFrontier) {
            ring(g, c, pal);
        }
    }

    private static void diamond(GraphicsContext g, Point2D c, Color colour, Palette pal, boolean onFrontier) {
        g.setFill(colour);
        diamondAt(g, c.getX(), c.getY());
        if (onFrontier) {
            ring(g, c, pal);
        }
    }

    private static void diamondAt(GraphicsContext g, double x, double y) {
        double r = RADIUS + 1;
        g.fillPolygon(new double[]{x, x + r, x, x - r}, new double[]{y - r, y, y + r, y}, 4);
    }

    private static void ring(GraphicsContext g, Point2D c, Palette pal) {
        g.setStroke(pal.text);
        g.setLineWidth(1.5);
        double r = RADIUS + 3;
        g.strokeOval(c.getX() - r, c.getY() - r, 2 * r, 2 * r);
    }

    /** "B=8, acc 2.50" beside the point, flipped to its left near the right edge. */
    private void label(GraphicsContext g, Palette pal, Point p, Point2D c, double w) {
        String text = p.setting().equals("unbudgeted") ? "unbudgeted, " + p.label().substring(p.label().indexOf("acc"))
                : p.label();
        boolean left = c.getX() > w - RIGHT - 130;
        double width = text.length() * 6.7;   // monospaced 11 px
        double x = left ? c.getX() - RADIUS - 4 - width : c.getX() + RADIUS + 4;
        double y = c.getY() - 2;
        // Points of a sweep often coincide (equal exactness, near-equal speed): stack their labels.
        for (int tries = 0; tries < 8; tries++) {
            var box = new javafx.geometry.BoundingBox(x, y - 12, width, 12);
            if (placedLabels.stream().noneMatch(b -> b.intersects(box))) {
                break;
            }
            y += 13;
        }
        placedLabels.add(new javafx.geometry.BoundingBox(x, y - 12, width, 12));
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

    private Palette palette() {
        return theme.get().isDark()
                ? new Palette(theme.get().background(), theme.get().text(), Color.web("#43454a"), Color.web("#8c9097"),
                Color.web("#dfe1e5"), Color.web("#4a9eff", 0.35),
                List.of(Color.web("#56b4e9"), Color.web("#e69f00"), Color.web("#009e73"), Color.web("#cc79a7")))
                : new Palette(theme.get().background(), theme.get().text(), Color.web("#e6e8eb"), Color.web("#6a737d"),
                Color.web("#1f2328"), Color.web("#0969da", 0.25),
                List.of(Color.web("#0072b2"), Color.web("#d55e00"), Color.web("#009e73"), Color.web("#cc79a7")));
    }

    /** Okabe-Ito series colours (colour-blind safe), in order of the sweep's policies. */
    private record Palette(Color background, Color text, Color grid, Color axis, Color reference, Color frontier,
                           List<Color> seriesColours) {
        Color series(int i) {
            return seriesColours.get(i % seriesColours.size());
        }
    }
}
