package org.specscope.visualizers;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.ColorMaps;

/**
 * Where the verification pass routed, per MoE layer (rows) and expert (columns): each cell is the
 * expert's share of the layer's routing mass ({@link LayerTrace#mass}: the full-softmax probability
 * summed over the tree's nodes, MoE-Spec's expert score), so each row sums to 1; with
 * {@link #windowProperty()} W above 1, the shares of the last W steps up to the shown one are
 * averaged. Colour is {@link ColorMaps#SEQUENTIAL} from 0 to the hottest cell. Over it, for the
 * shown step: the budget's kept set outlined per cell (budgeted layers only; an unbudgeted layer
 * keeps everything), a cross on each natural expert the budget left out (substituted away or
 * truncated) and a dot on each expert that ran as a replacement. Clicking a cell focuses its layer
 * and expert ({@link SharedFocus}); the focused layer's row and expert's column are outlined.
 *
 * <p>Built for 48 layers x 128 experts: {@link ExpertHeatmapFigure} bakes cells, outlines and
 * marks into one image at the grid's size in canvas pixels, and a redraw is one {@code drawImage}
 * with smoothing off plus the axis text (stroking some 1,500 outlines and crosses as anti-aliased
 * paths cost the software rasteriser several times the whole image). Exported as SVG, the grid is
 * that image embedded, the axes and legend text. At most one redraw per pulse.
 */
public final class ExpertHeatmapView extends FigureView<ExpertHeatmapFigure> {

    /** What is drawn over a cell for the shown step. */
    public enum Mark {
        NONE, LEFT_OUT, REPLACEMENT
    }

    /** A cell: a row (position in {@link StepTrace#layers()}) and an expert. */
    public record Cell(int layer, int expert) {
    }

    static final double LEFT = ExpertHeatmapFigure.LEFT;
    static final double TOP = ExpertHeatmapFigure.TOP;
    static final double RIGHT = ExpertHeatmapFigure.RIGHT;
    static final double BOTTOM = ExpertHeatmapFigure.BOTTOM;
    /** Above this many pixels the grid image is baked smaller and drawn scaled (a 4K canvas would need 32 MB). */
    static final int MAX_IMAGE_PIXELS = ExpertHeatmapFigure.MAX_IMAGE_PIXELS;

    private final Label maxLabel = new Label("max");
    private final IntegerProperty window = new SimpleIntegerProperty(this, "window", 1);

    public ExpertHeatmapView() {
        super("expert-heatmap", new ExpertHeatmapFigure());
        window.addListener(o -> {
            figure.setWindow(window.get());
            requestRedraw();
        });
        layOut(legend());
    }

    private FlowPane legend() {
        Label what = new Label("share of the layer's routing mass (full softmax, summed over tree nodes): 0");
        Canvas ramp = new Canvas(96, 10);
        GraphicsContext g = ramp.getGraphicsContext2D();
        for (int x = 0; x < 96; x++) {
            g.setFill(ColorMaps.sequential(x / 95.0));
            g.fillRect(x, 0, 1, 10);
        }
        Label kept = new Label("\u25a1 kept by the budget");
        kept.setTextFill(ExpertHeatmapFigure.KEPT);
        Label leftOut = new Label("\u00d7 natural expert left out");
        Label replacement = new Label("\u2022 replacement");
        FlowPane box = new FlowPane(8, 4, stepLabel(), what, ramp, maxLabel, kept, leftOut, replacement);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("expert-heatmap-legend");
        return box;
    }

    @Override
    public String title() {
        return "Expert heatmap";
    }

    @Override
    public void select(int index) {
        if (index != figure.selected()) {
            super.select(index);
        }
    }

    @Override
    boolean redrawsOnAppend(StepTrace step) {
        return figure.isModelDirty();
    }

    @Override
    Object hoverSubject() {
        return figure.modelIdentity();
    }

    @Override
    void paintLegend() {
        figure.ensureModel();
        maxLabel.setText(figure.maxText());
    }

    @Override
    int hitAt(double x, double y) {
        Cell cell = cellAt(x, y);
        return cell == null ? -1 : cell.layer() * figure.experts() + cell.expert();
    }

    @Override
    String hoverText(int index) {
        return describe(index / figure.experts(), index % figure.experts());
    }

    /** A cell names its layer and expert, whatever the step. */
    @Override
    TraceFocus focusOf(int index, TraceFocus current) {
        return current.withLayerExpert(layerNumber(index / figure.experts()), index % figure.experts());
    }

    /** The row outlined as the focused layer; -1 for none. */
    public int highlightedRow() {
        return figure.highlightedRow();
    }

    /** The expert column outlined as focused; -1 for none. */
    public int highlightedExpert() {
        return figure.highlightedExpert();
    }

    /** W: how many steps, up to the shown one, the cell values average (at least 1). */
    public IntegerProperty windowProperty() {
        return window;
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return figure.shownStep();
    }

    /** Steps the shown values average (W clipped at the run's start). */
    public int windowSteps() {
        return figure.windowSteps();
    }

    /** Rows drawn: the shown step's MoE layers. */
    public int rows() {
        return figure.rows();
    }

    /** Columns drawn: experts per layer. */
    public int experts() {
        return figure.experts();
    }

    /** The decoder layer number of row {@code row}. */
    public int layerNumber(int row) {
        return figure.layerNumber(row);
    }

    /** The cell's value: the expert's share of the layer's routing mass, averaged over the window. */
    public double cellValue(int layer, int expert) {
        return figure.cellValue(layer, expert);
    }

    /** The hottest cell's value: the top of the colour scale. */
    public double maxValue() {
        return figure.maxValue();
    }

    /** Whether the cell is outlined as kept by the shown step's budget. */
    public boolean isKeptOutlined(int layer, int expert) {
        return figure.isKeptOutlined(layer, expert);
    }

    /** The mark drawn on the cell for the shown step. */
    public Mark markAt(int layer, int expert) {
        return figure.markAt(layer, expert);
    }

    /** The ARGB colour the cell was filled with (its outline and mark are drawn over it). */
    public int cellArgb(int layer, int expert) {
        return figure.cellArgb(layer, expert);
    }

    /** Times the model was recomputed (only when the shown data changes, not on every redraw). */
    public int modelComputeCount() {
        return figure.modelComputeCount();
    }

    /** Times the grid image was baked (on a new model or grid size, not on a theme change). */
    public int imageBuildCount() {
        return figure.imageBuildCount();
    }

    /** The cell drawn at canvas point (x, y), null for none. */
    public Cell cellAt(double x, double y) {
        return figure.cellAt(x, y, plotWidth(), plotHeight());
    }

    /** The centre of a cell in canvas coordinates, {x, y}. */
    public double[] cellCentre(int layer, int expert) {
        return figure.cellCentre(layer, expert, plotWidth(), plotHeight());
    }

    /** The cell's rectangle in canvas coordinates, {x, y, width, height}: whole pixels unless the image is capped. */
    public double[] cellBounds(int layer, int expert) {
        return figure.cellBounds(layer, expert, plotWidth(), plotHeight());
    }

    /** The tooltip text of a cell. */
    public String describe(int layer, int expert) {
        return figure.describe(layer, expert);
    }

    // Grid geometry, kept here for the tests.

    static int imageSize(int gridW, int gridH, int cols, int rows, boolean width) {
        return ExpertHeatmapFigure.imageSize(gridW, gridH, cols, rows, width);
    }

    static int edge(int i, int n, int size) {
        return ExpertHeatmapFigure.edge(i, n, size);
    }

    static int cellOf(int p, int n, int size) {
        return ExpertHeatmapFigure.cellOf(p, n, size);
    }

    static int niceStep(double min) {
        return ExpertHeatmapFigure.niceStep(min);
    }
}
