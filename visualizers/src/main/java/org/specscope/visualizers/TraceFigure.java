package org.specscope.visualizers;

import java.util.List;
import javafx.geometry.Dimension2D;
import javafx.scene.paint.Color;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;

/**
 * A view's model and painting without its JavaFX nodes: fed like a {@link TraceView}, it paints
 * the view's canvas ({@link #paintPlot}) and, for export, the whole figure: the caption and the
 * legend the view shows above its canvas, then the plot ({@link #paint}). Needs no running
 * JavaFX toolkit, so that figures can be written from the command line.
 */
public interface TraceFigure extends VectorFigure {

    /** Height of one legend row in an exported figure. */
    double LEGEND_ROW = 22;

    void start(RunHeader header);

    void append(StepTrace step);

    /** Shows step {@code index}; -1 follows the newest. */
    void select(int index);

    void setTheme(Themes theme);

    /**
     * What to highlight: the layer, expert or node the focus names, where the figure shows them
     * (the step shown stays the {@link #select selected} one). Held here, not in the view, so
     * that an exported figure shows the highlight as the screen does.
     */
    void setFocus(TraceFocus focus);

    /** The focus last set; {@link TraceFocus#NONE} before any. */
    TraceFocus focus();

    /** What the view's step label says, e.g. "step 3 · 5 drafts, 2 accepted". */
    String caption();

    /** The legend the view shows above its canvas. */
    List<FigureLegend.Item> legend();

    Color background();

    Color ink();

    /** Paints what the view's canvas shows, in (0, 0) to (width, height). */
    void paintPlot(FigureGraphics g, double width, double height);

    /**
     * The size the plot needs to show everything, at least {@code width} by {@code height}: a
     * plot that cannot shrink into it (a big draft tree) or that scrolls on screen (a long text, a
     * tall table) asks for more. A {@link FigureView} scrolls a canvas of this size; exports grow
     * to it ({@link #exportSize}).
     */
    default Dimension2D plotSizeFor(double width, double height) {
        return new Dimension2D(width, height);
    }

    /**
     * The caption and legend, wrapped to the width, over the plot at the size it needs. Measured
     * with Java2D's font metrics, which both exports lay their text out with.
     */
    @Override
    default Dimension2D exportSize(double width, double height) {
        FigureGraphics g = Graphics2DFigureGraphics.measuring();
        double top = FigureLegend.height(g, caption(), legend(), width);
        Dimension2D plot = plotSizeFor(width, Math.max(0, height - top));
        if (plot.getWidth() > width) {   // wider, the legend may wrap into fewer rows
            top = FigureLegend.height(g, caption(), legend(), plot.getWidth());
            plot = plotSizeFor(plot.getWidth(), Math.max(0, height - top));
        }
        return new Dimension2D(plot.getWidth(), Math.max(height, top + plot.getHeight()));
    }

    /** The caption and legend on top, the plot below them: a figure that explains itself. */
    @Override
    default void paint(FigureGraphics g, double width, double height) {
        g.save();
        g.setFill(background());
        g.fillRect(0, 0, width, height);
        double top = FigureLegend.paint(g, caption(), legend(), ink(), width);
        g.translate(0, top);
        paintPlot(g, width, Math.max(0, height - top));
        g.restore();
    }
}
