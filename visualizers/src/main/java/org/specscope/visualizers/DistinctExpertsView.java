package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import org.specscope.visualizers.DistinctExpertStats.LayerCounts;
import org.specscope.visualizers.DistinctExpertStats.Measure;
import org.specscope.visualizers.DistinctExpertStats.Summary;

/**
 * Distinct experts per MoE layer, the selected step (or the newest) as grouped bars: the whole
 * tree's natural routing, the whole tree after the expert budget, and the accepted path's
 * natural routing. The gap between the first and the last is the verification traffic spent
 * on drafts that were thrown away; between the first and second, what the budget saved. Across
 * each bar, its layer's mean (solid), P90 (dashed) and P99 (dotted) over all steps so far
 * ({@link DistinctExpertStats}). Hovering a layer tells its numbers; clicking it focuses the layer
 * in the shown step ({@link SharedFocus}), and the focused layer's group is outlined. The canvas
 * is redrawn at most once per pulse.
 */
public final class DistinctExpertsView extends FigureView<DistinctExpertsFigure> {

    static final double[] P90_DASHES = DistinctExpertsFigure.P90_DASHES;
    static final double[] P99_DASHES = DistinctExpertsFigure.P99_DASHES;

    private final Map<Measure, Rectangle> swatches = new EnumMap<>(Measure.class);
    private final List<Line> summarySwatches = new ArrayList<>();

    public DistinctExpertsView() {
        super("distinct-experts", new DistinctExpertsFigure());
        layOut(legend());
    }

    private FlowPane legend() {
        FlowPane box = new FlowPane(stepLabel());
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
        box.setHgap(10);
        box.setVgap(4);
        box.getStyleClass().add("distinct-experts-legend");
        return box;
    }

    @Override
    public String title() {
        return "Distinct experts";
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

    @Override
    int hitAt(double x, double y) {
        return layerAt(x, y);
    }

    @Override
    String hoverText(int layer) {
        return describe(layer);
    }

    /** A layer's bars name the layer in the shown step. */
    @Override
    TraceFocus focusOf(int i, TraceFocus current) {
        return current.withStep(shownStep()).withLayer(figure.shownCounts().get(i).layer());
    }

    /** The index in the drawn layers of the focused layer's group, outlined; -1 for none. */
    public int highlightedGroup() {
        return figure.highlightedGroup();
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

    @Override
    void paintLegend() {
        swatches.forEach((m, r) -> r.setFill(figure.measureColor(m)));
        summarySwatches.forEach(l -> l.setStroke(figure.summaryColor()));
    }

    /** The hover indexes the shown step's layers. */
    @Override
    Object hoverSubject() {
        return figure.shown();
    }
}
