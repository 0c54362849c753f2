package org.specscope.visualizers;

import javafx.geometry.Dimension2D;

/**
 * Something that paints itself, axes and legend included, on any {@link FigureGraphics}: the
 * views whose canvas is painted this way can be exported as vector graphics ({@link SvgExport})
 * and as PNG at any scale, from the same code that draws the screen.
 */
public interface VectorFigure {

    /**
     * The tallest a text or a table grows for export ({@link #exportSize}): one longer than that
     * is cut off, and says how much is left.
     */
    double MAX_EXPORT_HEIGHT = 4000;

    /** Paints the whole figure in (0, 0) to (width, height). */
    void paint(FigureGraphics g, double width, double height);

    /**
     * The size to export the figure at when it is shown at {@code width} by {@code height}: that
     * size for a chart, which fits any box; larger where the figure needs more to be shown whole
     * (a draft tree too big to shrink into it, a text or a table that scrolls on screen). The app
     * and {@code ./specscope figure} export at it, so that nothing is left out.
     */
    default Dimension2D exportSize(double width, double height) {
        return new Dimension2D(width, height);
    }
}
