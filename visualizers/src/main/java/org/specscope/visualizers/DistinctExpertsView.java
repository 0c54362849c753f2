package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
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
public final class DistinctExpertsView implements TraceView, VectorFigure {

    static final double[] P90_DASHES = DistinctExpertsFigure.P90_DASHES;
    static final double[] P99_DASHES = DistinctExpertsFigure.P99_DASHES;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final Map<Measure, Rectangle> swatches = new EnumMap<>(Measure.class);
    private final List<Line> summarySwatches = new ArrayList<>();
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final DistinctExpertsFigure figure = new DistinctExpertsFigure();
    private int redraws;
    private int hovered = -1;

    public DistinctExpertsView() {
        root.getStyleClass().addAll("trace-view", "distinct-experts");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> {
            figure.setTheme(theme.get());
            redraw.request();
        });
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
        figure.start(header);
        redraw.request();
    }

    @Override
    public void append(StepTrace step) {
        figure.append(step);
        redraw.request(); // the summaries move with every step, whichever is shown
    }

    @Override
    public void select(int index) {
        figure.select(index);
        redraw.request();
    }

    /** Paints the bars as they stand, caption and legend included (for export). */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        figure.paint(g, width, height);
        redraw.request(); // painting at the export's size moved the bars the hover reads
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The statistics over all steps so far. */
    DistinctExpertStats stats() {
        return figure.stats();
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return figure.shown() == null ? -1 : figure.shown().step();
    }

    /** The per-layer counts the last redraw drew as bars, in the step's layer order. */
    List<LayerCounts> shownCounts() {
        return figure.shownCounts();
    }

    /** Where the bar of {@code m} of the {@code i}-th drawn layer was drawn, in canvas coordinates. */
    public Bounds barBounds(int i, Measure m) {
        return figure.barBounds(i, m);
    }

    /** The y of count {@code v} in the last redraw. */
    public double yOf(double v) {
        return figure.yAxis().toPixel(v);
    }

    /** The bar colour of {@code m} under the current theme. */
    public Color measureColor(Measure m) {
        return figure.measureColor(m);
    }

    /** The index in {@link #shownCounts()} of the layer group at canvas point (x, y), -1 for none. */
    public int layerAt(double x, double y) {
        List<Bounds> groups = figure.groups();
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    /** The tooltip text of the {@code i}-th drawn layer. */
    public String describe(int i) {
        DistinctExpertStats stats = figure.stats();
        LayerCounts c = figure.shownCounts().get(i);
        StringBuilder s = new StringBuilder("layer " + c.layer() + ", step " + figure.shown().step());
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

    private void draw() {
        redraws++;
        swatches.forEach((m, r) -> r.setFill(figure.measureColor(m)));
        summarySwatches.forEach(l -> l.setStroke(figure.summaryColor()));
        StepTrace before = figure.shown();
        figure.paintPlot(new CanvasFigureGraphics(canvas.getGraphicsContext2D()), canvas.getWidth(),
                canvas.getHeight());
        if (figure.shown() != before) {
            hovered = -1;
            tooltip.hide();
        }
        stepLabel.setText(figure.caption());
    }
}
