package org.specscope.visualizers;

/**
 * Something that paints itself, axes and legend included, on any {@link FigureGraphics}: the
 * views whose canvas is painted this way can be exported as vector graphics ({@link SvgExport})
 * and as PNG at any scale, from the same code that draws the screen.
 */
public interface VectorFigure {

    /** Paints the whole figure in (0, 0) to (width, height). */
    void paint(FigureGraphics g, double width, double height);
}
