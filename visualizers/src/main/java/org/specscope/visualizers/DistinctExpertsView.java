package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;
import org.specscope.visualizers.DistinctExpertStats.LayerCounts;
import org.specscope.visualizers.DistinctExpertStats.Measure;
import org.specscope.visualizers.DistinctExpertStats.Summary;

/**
 * Distinct experts per MoE layer, the selected step (or the newest) as grouped bars: the whole
 * tree's natural routing, the whole tree after the expert budget, and the accepted path's
 * natural routing. The gap between the first and the last is the verification traffic spent
 * on drafts that were thrown away; between the first and second, what the budget saved. Across
 * each bar, its layer's mean (solid), P90 (dashed) and P99 (dotted) over all steps so far
 * ({@link DistinctExpertStats}). Hovering a layer tells its numbers. The canvas is redrawn at
 * most once per pulse.
 */
public final class DistinctExpertsView implements TraceView {

    static final double LEFT = 52;
    static final double RIGHT = 16;
    static final double TOP = 16;
    static final double BOTTOM = 38;
    static final double[] P90_DASHES = {5, 3};
    static final double[] P99_DASHES = {1.5, 2.5};

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final Map<Measure, Rectangle> swatches = new EnumMap<>(Measure.class);
    private final List<Line> summarySwatches = new ArrayList<>();
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final Font font = Font.font("Monospaced", 11);

    private final List<StepTrace> steps = new ArrayList<>();
    private final DistinctExpertStats stats = new DistinctExpertStats();
    private int selected = -1;
    private int redraws;

    // What the last draw showed: the hover and the tests read it.
    private StepTrace shown;
    private List<LayerCounts> counts = List.of();
    private ChartAxis yAxis;
    private final List<EnumMap<Measure, Bounds>> bars = new ArrayList<>();
    private final List<Bounds> groups = new ArrayList<>();
    private int hovered = -1;

    public DistinctExpertsView() {
        root.getStyleClass().addAll("trace-view", "distinct-experts");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> redraw.request());
        root.setTop(legend());
        root.setCenter(canvasPane);
        canvas.setOnMouseMoved(e -> {
            int layer = layerAt(e.getX(), e.getY());
            if (layer != hovered) {
                hovered = layer;
                if (layer < 0) {
                    tooltip.hide();
                } else {
                    tooltip.setText(describe(layer));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hovered = -1;
            tooltip.hide();
        });
    }

    private HBox legend() {
        HBox box = new HBox(stepLabel);
        for (Measure m : Measure.values()) {
            Rectangle r = new Rectangle(12, 12);
            swatches.put(m, r);
            box.getChildren().add(new Label(m.label(), r));
        }
        String[] names = {"mean", "P90", "P99"};
        double[][] dashes = {null, P90_DASHES, P99_DASHES};
        for (int i = 0; i < 3; i++) {
            Line line = new Line(0, 0, 16, 0);
            line.setStrokeWidth(2);
            if (dashes[i] != null) {
                for (double d : dashes[i]) {
                    line.getStrokeDashArray().add(d);
                }
            }
            summarySwatches.add(line);
            box.getChildren().add(new Label(names[i], line));
        }
        box.setAlignment(Pos.CENTER_LEFT);
        box.setSpacing(10);
        box.getStyleClass().add("distinct-experts-legend");
        return box;
    }

    @Override
    public String title() {
        return "Distinct experts";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void start(RunHeader header) {
        steps.clear();
        stats.clear();
        selected = -1;
        redraw.request();
    }

    @Override
    public void append(StepTrace step) {
        steps.add(step);
        stats.add(step);
        redraw.request(); // the summaries move with every step, whichever is shown
    }

    @Override
    public void select(int index) {
        selected = index;
        redraw.request();
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The statistics over all steps so far. */
    DistinctExpertStats stats() {
        return stats;
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return shown == null ? -1 : shown.step();
    }

    /** The per-layer counts the last redraw drew as bars, in the step's layer order. */
    List<LayerCounts> shownCounts() {
        return counts;
    }

    /** Where the bar of {@code m} of the {@code i}-th drawn layer was drawn, in canvas coordinates. */
    public Bounds barBounds(int i, Measure m) {
        return bars.get(i).get(m);
    }

    /** The y of count {@code v} in the last redraw. */
    public double yOf(double v) {
        return yAxis.toPixel(v);
    }

    /** The bar colour of {@code m} under the current theme. */
    public Color measureColor(Measure m) {
        return palette().measure(m);
    }

    /** The index in {@link #shownCounts()} of the layer group at canvas point (x, y), -1 for none. */
    public int layerAt(double x, double y) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    /** The tooltip text of the {@code i}-th drawn layer. */
    public String describe(int i) {
        LayerCounts c = counts.get(i);
        StringBuilder s = new StringBuilder("layer " + c.layer() + ", step " + shown.step());
        for (Measure m : Measure.values()) {
            Summary sum = stats.summary(c.layer(), m);
            s.append(String.format(Locale.ROOT, "%n%-25s %4d   mean %.1f  P90 %d  P99 %d", m.label(), c.get(m),
                    sum.mean(), sum.p90(), sum.p99()));
        }
        s.append("\nover ").append(stats.steps(c.layer())).append(" steps");
        return s.toString();
    }

    /** Redraws done so far (coalescing shows as fewer redraws than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private StepTrace stepToShow() {
        if (steps.isEmpty()) {
            return null;
        }
        return selected >= 0 && selected < steps.size() ? steps.get(selected) : steps.get(steps.size() - 1);
    }

    private void draw() {
        redraws++;
        Palette pal = palette();
        swatches.forEach((m, r) -> r.setFill(pal.measure(m)));
        summarySwatches.forEach(l -> l.setStroke(pal.summary));
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setLineDashes(null);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        StepTrace step = stepToShow();
        if (step != shown) {
            shown = step;
            hovered = -1;
            tooltip.hide();
            counts = step == null ? List.of() : DistinctExpertStats.counts(step);
        }
        bars.clear();
        groups.clear();
        double x0 = LEFT;
        double x1 = Math.max(x0 + 1, w - RIGHT);
        double yBottom = Math.max(TOP + 1, h - BOTTOM);
        // The scale holds every count so far, so that bars compare across steps while scrubbing.
        yAxis = new ChartAxis(0, ChartAxis.niceCeil(Math.max(4, stats.max())), yBottom, TOP);
        if (step == null) {
            stepLabel.setText("no step yet");
            return;
        }
        stepLabel.setText("step " + step.step() + (selected < 0 ? " (newest)" : "") + " \u00b7 "
                + step.tree().draftNodes() + " drafts, " + step.acceptedDrafts() + " accepted");
        g.setFont(font);
        if (counts.isEmpty()) {
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("no MoE layers in step " + step.step(), w / 2, h / 2);
            return;
        }
        if (w <= LEFT + RIGHT || h <= TOP + BOTTOM) {
            return;
        }

        // grid and y axis
        g.setLineWidth(1);
        List<Integer> ticks = yAxis.integerTicks(6);
        g.setStroke(pal.grid);
        for (int v : ticks) {
            double y = snap(yAxis.toPixel(v));
            g.strokeLine(x0, y, x1, y);
        }
        g.setStroke(pal.axis);
        g.strokeLine(snap(x0), TOP, snap(x0), snap(yBottom));
        g.strokeLine(x0, snap(yBottom), x1, snap(yBottom));
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int v : ticks) {
            double y = snap(yAxis.toPixel(v));
            g.strokeLine(x0 - 4, y, x0, y);
            g.fillText(Integer.toString(v), x0 - 6, y);
        }
        g.save();
        g.translate(12, (TOP + yBottom) / 2);
        g.rotate(-90);
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText("distinct experts", 0, 0);
        g.restore();

        // one group per layer: three bars, a fifth of a group's width left between groups
        int n = counts.size();
        double groupW = (x1 - x0) / n;
        double barW = groupW * 0.8 / 3;
        int labelEvery = (int) Math.ceil(28 / groupW);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int i = 0; i < n; i++) {
            LayerCounts c = counts.get(i);
            double gx = x0 + i * groupW + groupW * 0.1;
            EnumMap<Measure, Bounds> layerBars = new EnumMap<>(Measure.class);
            for (Measure m : Measure.values()) {
                double bx = gx + m.ordinal() * barW;
                double top = yAxis.toPixel(c.get(m));
                Bounds b = new BoundingBox(bx, top, barW, yBottom - top);
                layerBars.put(m, b);
                g.setFill(pal.measure(m));
                g.fillRect(b.getMinX(), b.getMinY(), Math.max(1, b.getWidth() - 1), b.getHeight());
                drawSummary(g, pal, stats.summary(c.layer(), m), bx, barW);
            }
            bars.add(layerBars);
            groups.add(new BoundingBox(x0 + i * groupW, TOP, groupW, yBottom - TOP));
            if (i % labelEvery == 0) {
                g.setFill(pal.text);
                g.fillText(Integer.toString(c.layer()), x0 + (i + 0.5) * groupW, yBottom + 4);
            }
        }
        g.setFill(pal.text);
        g.fillText("MoE layer", (x0 + x1) / 2, yBottom + 19);
    }

    /** Mean, P90 and P99 as short horizontal strokes across the bar, a little wider than it. */
    private void drawSummary(GraphicsContext g, Palette pal, Summary s, double bx, double barW) {
        g.setStroke(pal.summary);
        g.setLineWidth(1.5);
        double[] values = {s.mean(), s.p90(), s.p99()};
        double[][] dashes = {null, P90_DASHES, P99_DASHES};
        for (int k = 0; k < 3; k++) {
            g.setLineDashes(dashes[k]);
            double y = yAxis.toPixel(values[k]);
            g.strokeLine(bx - 1, y, bx + barW, y);
        }
        g.setLineDashes(null);
    }

    private static double snap(double v) {
        return Math.floor(v) + 0.5;
    }

    private Palette palette() {
        // Okabe-Ito orange, blue and bluish green: apart for colour-blind eyes and in grey.
        return theme.get().isDark()
                ? new Palette(Color.web("#1e1f22"), Color.web("#e69f00"), Color.web("#56b4e9"), Color.web("#009e73"),
                Color.web("#f0f0f0"), Color.web("#33363b"), Color.web("#8b8f96"), Color.web("#dfe1e5"))
                : new Palette(Color.WHITE, Color.web("#e69f00"), Color.web("#0072b2"), Color.web("#009e73"),
                Color.web("#1f2328"), Color.web("#e9ecf0"), Color.web("#6e7781"), Color.web("#1f2328"));
    }

    private record Palette(Color background, Color treeNatural, Color treeUsed, Color accepted, Color summary,
                           Color grid, Color axis, Color text) {

        Color measure(Measure m) {
            return switch (m) {
                case TREE_NATURAL -> treeNatural;
                case TREE_USED -> treeUsed;
                case ACCEPTED_NATURAL -> accepted;
            };
        }
    }
}
