package org.specscope.visualizers;

/**
 * Something that paints itself, axes and legend included, on any {@link FigureGraphics}: the
 * views whose canvas is painted this way can be exported as vector graphics ({@link SvgExport})
 * and as PNG at any scale, from the same code that draws the screen.
 */
public interface VectorFigure {

    /** The tallest export {@link #exportHeight} asks for: a long text is cut off (and says so) beyond it. */
    double MAX_EXPORT_HEIGHT = 4000;

    /** Paints the whole figure in (0, 0) to (width, height). */
    void paint(FigureGraphics g, double width, double height);

    /**
     * The height to export the figure at, {@code width} wide, when it is shown {@code height}
     * tall: a chart fits any box and keeps the height shown; a text or a table that scrolls on
     * screen asks for what it needs to be shown whole, up to {@link #MAX_EXPORT_HEIGHT}.
     */
    default double exportHeight(double width, double height) {
        return height;
    }
}
