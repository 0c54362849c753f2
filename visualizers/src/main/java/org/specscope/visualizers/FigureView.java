package org.specscope.visualizers;

import javafx.css.PseudoClass;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Dimension2D;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;

/**
 * A trace view that shows a {@link TraceFigure} on a canvas: the view's legend (with the step
 * label the figure's caption goes into) on top, the canvas below it, sized to the view and
 * redrawn at most once per pulse ({@link PulseRedraw}) whenever it is resized, the theme
 * changes or the figure is fed. Hovering something the subclass can hit ({@link #hitAt}) shows
 * its tooltip text ({@link #hoverText}); clicking it sets the {@link SharedFocus} to what it names
 * ({@link #clicked}), and the figure highlights what the shared focus names. Exporting paints the
 * whole figure, caption, legend and highlight included. A figure that cannot shrink into the view
 * ({@link TraceFigure#plotSizeFor}) is painted at the size it needs and scrolled under a canvas
 * the size of the view ({@link #layOutScrolling}). A caption that tells of a settings change at
 * the shown step styles the step label {@code :settings-changed}.
 *
 * @param <F> the figure that models and paints the view
 */
public abstract class FigureView<F extends TraceFigure> extends FigureBackedView<F> {

    /** The step label's state while the caption tells of a settings change. */
    static final PseudoClass SETTINGS_CHANGED = PseudoClass.getPseudoClass("settings-changed");

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private int redraws;
    private boolean drawing;
    private int hovered = -1;
    // A scrolling view (layOutScrolling) keeps its canvas the size of the view and paints the
    // figure shifted by the bars' values: a canvas as big as a tall tree costs its whole area to
    // rasterise on every redraw (a ScrollPane around a grown canvas doubled a tree's frame cost).
    private ScrollBar vertical;
    private ScrollBar horizontal;
    private double plotW;                  // the size the figure is painted at: the view's, or what it needs
    private double plotH;

    /** A view styled {@code trace-view} and {@code styleClass}, showing {@code figure}. */
    FigureView(String styleClass, F figure) {
        super(figure);
        root.getStyleClass().addAll("trace-view", styleClass);
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> resized());
        canvas.heightProperty().addListener(o -> resized());
        themeProperty().addListener(o -> redraw.request());
        canvas.setOnMouseMoved(e -> {
            int hit = hitAt(e.getX() + scrollX(), e.getY() + scrollY());
            if (hit != hovered) {
                hovered = hit;
                if (hit < 0) {
                    tooltip.hide();
                } else {
                    tooltip.setText(hoverText(hit));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> unhover());
        canvas.getStyleClass().add("figure-canvas");
        canvas.setOnMouseClicked(e -> {
            // a drag that ends where it began is no pick
            SharedFocus shared = shared();
            if (shared != null && e.getButton() == MouseButton.PRIMARY && e.isStillSincePress()) {
                TraceFocus picked = clicked(e.getX() + scrollX(), e.getY() + scrollY(), shared.get());
                if (picked != null) {
                    shared.set(picked);
                }
            }
        });
    }

    /** The width the figure is painted at: the canvas's, or in a scrolling view what the figure needs. */
    final double plotWidth() {
        return isScrolling() ? plotW : canvas.getWidth();
    }

    /** The height the figure is painted at. */
    final double plotHeight() {
        return isScrolling() ? plotH : canvas.getHeight();
    }

    /** The part of the plot the canvas shows, in plot coordinates. */
    final Bounds visibleBounds() {
        return new BoundingBox(scrollX(), scrollY(), canvas.getWidth(), canvas.getHeight());
    }

    /** Scrolls a scrolling view so that {@code area} (plot coordinates) is in sight, as far as it fits. */
    final void reveal(Bounds area) {
        if (!isScrolling()) {
            return;
        }
        revealAlong(horizontal, area.getMinX(), area.getMaxX(), canvas.getWidth());
        revealAlong(vertical, area.getMinY(), area.getMaxY(), canvas.getHeight());
    }

    private static void revealAlong(ScrollBar bar, double from, double to, double shown) {
        double v = bar.getValue();
        if (to > v + shown) {
            v = to - shown;
        }
        if (from < v) {
            v = from;
        }
        bar.setValue(Math.clamp(v, bar.getMin(), bar.getMax()));
    }

    private boolean isScrolling() {
        return vertical != null;
    }

    private double scrollX() {
        return isScrolling() && horizontal.isVisible() ? horizontal.getValue() : 0;
    }

    private double scrollY() {
        return isScrolling() && vertical.isVisible() ? vertical.getValue() : 0;
    }

    /** Redraws at the next pulse (for changes the figure's feeding does not cover). */
    final void requestRedraw() {
        redraw.request();
    }

    /** The label the figure's caption goes into, for the subclass's legend. */
    final Label stepLabel() {
        return stepLabel;
    }

    /**
     * Lays the view out: the subclass's legend (holding {@link #stepLabel()}) on top, the canvas
     * below it. The subclass's constructor calls this once, when its legend's fields are set.
     */
    final void layOut(Node legend) {
        root.setTop(legend);
        root.setCenter(canvasPane);
    }

    /**
     * Like {@link #layOut}, scrolling: the canvas stays the size of the view, and when the figure
     * needs more ({@link TraceFigure#plotSizeFor}) scroll bars appear and move the figure under it.
     */
    final void layOutScrolling(Node legend) {
        vertical = new ScrollBar();
        vertical.setOrientation(Orientation.VERTICAL);
        horizontal = new ScrollBar();
        for (ScrollBar bar : new ScrollBar[] {vertical, horizontal}) {
            bar.getStyleClass().add("figure-scroll");
            bar.setVisible(false);
            bar.managedProperty().bind(bar.visibleProperty());
            bar.valueProperty().addListener(o -> resized());
        }
        canvas.setOnScroll(e -> {   // the wheel (and a touchpad's two axes)
            if (vertical.isVisible()) {
                vertical.setValue(Math.clamp(vertical.getValue() - e.getDeltaY(), 0, vertical.getMax()));
            }
            if (horizontal.isVisible()) {
                horizontal.setValue(Math.clamp(horizontal.getValue() - e.getDeltaX(), 0, horizontal.getMax()));
            }
        });
        BorderPane area = new BorderPane(canvasPane);
        area.setRight(vertical);
        area.setBottom(horizontal);
        root.setTop(legend);
        root.setCenter(area);
    }

    /** The index of what is drawn at canvas point (x, y) and has a tooltip, -1 for none. */
    abstract int hitAt(double x, double y);

    /** The tooltip text of hit {@code index} of {@link #hitAt}. */
    abstract String hoverText(int index);

    /**
     * The focus a click at canvas point (x, y) picks, from {@code current}; null leaves it as it
     * is. By default the hit under the point ({@link #hitAt}) as {@link #focusOf} names it.
     */
    TraceFocus clicked(double x, double y, TraceFocus current) {
        int hit = hitAt(x, y);
        return hit < 0 ? null : focusOf(hit, current);
    }

    /** The focus hit {@code index} of {@link #hitAt} names, from {@code current}; null for none. */
    TraceFocus focusOf(int index, TraceFocus current) {
        return null;
    }

    /**
     * What the hover indexes into: when a redraw changes it (by identity), the tooltip is
     * hidden. Null (the default) when the hover outlives redraws.
     */
    Object hoverSubject() {
        return null;
    }

    /** Whether appending {@code step} (already fed to the figure) changes the drawing. */
    boolean redrawsOnAppend(StepTrace step) {
        return true;
    }

    /** Colours the legend's swatches for the figure's theme, before each redraw. */
    void paintLegend() {
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
        if (redrawsOnAppend(step)) {
            redraw.request();
        }
    }

    @Override
    public void select(int index) {
        figure.select(index);
        redraw.request();
    }

    /** Redraws too: a view whose {@link #select} redraws nothing (same step, or none shown) still highlights anew. */
    @Override
    void focused(TraceFocus f) {
        super.focused(f);
        redraw.request();
    }

    @Override
    public void paint(FigureGraphics g, double width, double height) {
        super.paint(g, width, height);
        redraw.request(); // painting at the export's size moved the geometry the hover reads
    }

    /** Redraws done so far (coalescing shows as fewer redraws than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private void unhover() {
        hovered = -1;
        tooltip.hide();
    }

    private void resized() {
        if (!drawing) {   // a draw that resizes the canvas repaints it itself
            redraw.request();
        }
    }

    private void draw() {
        redraws++;
        drawing = true;
        try {
            paintLegend();
            Object before = hoverSubject();
            fitCanvas();
            paintCanvas();
            String caption = figure.caption();
            stepLabel.pseudoClassStateChanged(SETTINGS_CHANGED, caption.contains(SettingsChange.FLAG));
            if (!caption.equals(stepLabel.getText())) {
                // the legend wraps, so a new caption may move the canvas: lay out now and repaint
                // at the new size in this pulse rather than redraw again at the next
                stepLabel.setText(caption);
                double w = canvas.getWidth();
                double h = canvas.getHeight();
                layOutNow();
                fitCanvas();
                if (canvas.getWidth() != w || canvas.getHeight() != h) {
                    paintCanvas();
                }
            }
            if (hoverSubject() != before) {
                unhover();
            }
        } finally {
            drawing = false;
        }
    }

    /**
     * A scrolling view's plot size and bars: the canvas's size while the figure fits it, else what
     * the figure needs there, with a bar for each axis it overflows. Laid out at once, so that the
     * bars (which narrow the canvas) settle in this redraw.
     */
    private void fitCanvas() {
        if (!isScrolling()) {
            return;
        }
        for (int round = 0; round < 3; round++) {   // a bar narrows the canvas, which may need the other
            double w = canvas.getWidth();
            double h = canvas.getHeight();
            Dimension2D need = figure.plotSizeFor(w, h);
            plotW = Math.max(w, need.getWidth());
            plotH = Math.max(h, need.getHeight());
            boolean changed = setBar(horizontal, plotW, w) | setBar(vertical, plotH, h);
            if (!changed) {
                return;
            }
            layOutNow();
        }
    }

    /** Shows {@code bar} when {@code extent} exceeds what is {@code shown}; whether it appeared or went. */
    private static boolean setBar(ScrollBar bar, double extent, double shown) {
        boolean needed = extent > shown + 0.5;
        if (needed) {
            bar.setMax(extent - shown);
            bar.setVisibleAmount(shown * (extent - shown) / extent);   // the thumb: the share shown
            bar.setBlockIncrement(shown * 0.9);
            bar.setUnitIncrement(24);
            bar.setValue(Math.min(bar.getValue(), bar.getMax()));
        } else {
            bar.setValue(0);
        }
        boolean changed = bar.isVisible() != needed;
        bar.setVisible(needed);
        return changed;
    }

    private void layOutNow() {
        if (root.getScene() != null) {
            root.applyCss();
            root.layout();
        }
    }

    private void paintCanvas() {
        FigureGraphics g = new CanvasFigureGraphics(canvas.getGraphicsContext2D());   // resets the transform
        g.translate(-scrollX(), -scrollY());
        figure.paintPlot(g, plotWidth(), plotHeight());
    }
}
