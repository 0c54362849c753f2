package org.specscope.visualizers;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
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
 * The selection on the timeline does not change this view: it shows the run so far. Modelled and
 * painted by {@link UsageDistributionFigure}, so it exports as SVG. Clicking a curve's point
 * focuses its layer and expert, elsewhere in a plot the layer shown ({@link SharedFocus}); the
 * focused layer's curves are drawn heavier, or overlaid in the focus colour when another layer
 * or all layers pooled are shown, and the focused expert's point is marked.
 *
 * <p>The curves' models are exact (every expert); what is stroked is thinned per pixel column
 * ({@link #reduce}): pooled, 48 x 128 experts crowd a few hundred columns, and stroking thousands
 * of sub-pixel segments was most of a redraw's raster cost for no visible difference.
 */
public final class UsageDistributionView extends FigureView<UsageDistributionFigure> {

    static final double MARGIN_LEFT = UsageDistributionFigure.MARGIN_LEFT;
    static final double MARGIN_RIGHT = UsageDistributionFigure.MARGIN_RIGHT;
    static final double MARGIN_TOP = UsageDistributionFigure.MARGIN_TOP;
    static final double MARGIN_BOTTOM = UsageDistributionFigure.MARGIN_BOTTOM;
    static final double GAP = UsageDistributionFigure.GAP;
    /** The coverage marked on the cumulative curve. */
    static final double COVERAGE = UsageDistributionFigure.COVERAGE;

    private final IntegerProperty layer = new SimpleIntegerProperty(this, "layer", ExpertUsage.ALL_LAYERS);
    private final ObjectProperty<Measure> measure = new SimpleObjectProperty<>(this, "measure", Measure.ROUTED_MASS);

    public UsageDistributionView() {
        super("usage-distribution", new UsageDistributionFigure());
        layer.addListener(o -> {
            figure.setLayer(layer.get());
            requestRedraw();
        });
        measure.addListener(o -> {
            figure.setMeasure(measure.get());
            requestRedraw();
        });
        layOut(legend());
    }

    private FlowPane legend() {
        Label byRank = new Label("\u2014 use by rank (log-log)");
        byRank.setTextFill(UsageDistributionFigure.Palette.LIGHT.curve());
        Label share = new Label("\u2014 cumulative share of use");
        share.setTextFill(UsageDistributionFigure.Palette.LIGHT.accent());
        Label uniform = new Label("- - uniform use");
        Label covered = new Label("\u25cf " + Math.round(100 * COVERAGE) + "% of use covered");
        FlowPane box = new FlowPane(12, 4, stepLabel(), byRank, share, uniform, covered);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("usage-distribution-legend");
        return box;
    }

    @Override
    public String title() {
        return "Expert usage";
    }

    @Override
    public void select(int index) {
        // the run so far, whatever step is selected: nothing to redraw
    }

    /** A point of either curve within a few pixels: its rank. */
    @Override
    int hitAt(double x, double y) {
        return figure.rankAt(x, y, 6);
    }

    @Override
    String hoverText(int rank) {
        return figure.describeRank(rank);
    }

    /** The hover indexes ranks, which each recomputation of the curves reorders. */
    @Override
    Object hoverSubject() {
        return figure.rankOrder();
    }

    /**
     * A click on a curve's point names that rank's layer and expert; elsewhere in a plot, the
     * layer shown (nothing when pooled: the plot is of no one layer).
     */
    @Override
    TraceFocus clicked(double x, double y, TraceFocus current) {
        int rank = hitAt(x, y);
        if (rank >= 0) {
            int[] le = figure.expertOfRank(rank);
            return current.withLayerExpert(le[0], le[1]);
        }
        int shown = figure.shownLayerNumber();
        return shown >= 0 && figure.inPlots(x, y, plotWidth(), plotHeight()) ? current.withLayer(shown) : null;
    }

    /** Whether the shown curves, being the focused layer's, are drawn heavier. */
    public boolean isFocusedLayerShown() {
        return figure.isFocusedLayerShown();
    }

    /** The decoder layer overlaid in the focus colour by the last redraw; -1 for none. */
    public int overlaidLayer() {
        return figure.overlaidLayer();
    }

    /** The focused expert's rank on the shown curves (marked on both); -1 for none. */
    public int focusedRank() {
        return figure.focusedRank();
    }

    /** Where the last redraw put rank {@code rank} on the use-by-rank curve, {x, y} in canvas coordinates. */
    public double[] rankPoint(int rank) {
        return figure.rankPoint(rank);
    }

    /** The decoder layer and expert of rank {@code rank}, {layer, expert}. */
    public int[] expertOfRank(int rank) {
        return figure.expertOfRank(rank);
    }

    /** The MoE layer shown (position in {@link StepTrace#layers()}), or {@link ExpertUsage#ALL_LAYERS}. */
    public IntegerProperty layerProperty() {
        return layer;
    }

    /** What counts as use. */
    public ObjectProperty<Measure> measureProperty() {
        return measure;
    }

    /** The accumulated use (read-only use, please). */
    public ExpertUsage usage() {
        return figure.usage();
    }

    /** The use by rank drawn by the last redraw (most used first, unused included). */
    public double[] rankCurve() {
        return figure.rankCurve();
    }

    /** The cumulative share drawn by the last redraw. */
    public Curve cumulativeCurve() {
        return figure.cumulativeCurve();
    }

    /** Experts of the shown layer never used (not on the log-log plot). */
    public int unusedExperts() {
        return figure.unusedExperts();
    }

    /** The title line of the last redraw. */
    public String titleText() {
        return stepLabel().getText();
    }

    /** Points stroked for the use-by-rank curve by the last redraw (after thinning). */
    public int rankPointsDrawn() {
        return figure.rankPointsDrawn();
    }

    /** Points stroked for the cumulative-share curve by the last redraw (after thinning). */
    public int sharePointsDrawn() {
        return figure.sharePointsDrawn();
    }

    /** Thins a polyline to what a pixel column can show; see {@link UsageDistributionFigure#reduce}. */
    static int reduce(double[] x, double[] y, int n, double[] outX, double[] outY) {
        return UsageDistributionFigure.reduce(x, y, n, outX, outY);
    }

    static String decade(int k) {
        return UsageDistributionFigure.decade(k);
    }
}
