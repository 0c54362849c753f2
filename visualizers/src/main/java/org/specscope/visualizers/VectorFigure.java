package org.specscope.visualizers;

import javafx.geometry.Dimension2D;

/**
 * Something that paints itself, axes and legend included, on any {@link FigureGraphics}: the
 * views whose canvas is painted this way can be exported as vector graphics ({@link SvgExport})
 * and as PNG at any scale, from the same code that draws the screen.
 */
public interface VectorFigure {

    /** Paints the whole figure in (0, 0) to (width, height). */
    void paint(FigureGraphics g, double width, double height);

    /**
     * The size the figure needs to show everything, at least {@code width} by {@code height}
     * ({@code g} measures text): exports paint at it, so that a figure that cannot shrink into
     * the asked size (a big draft tree) comes out whole. Most figures fit any size.
     */
    default Dimension2D sizeFor(FigureGraphics g, double width, double height) {
        return new Dimension2D(width, height);
    }
}
