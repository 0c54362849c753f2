package org.specscope.visualizers;

import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

/**
 * The drawing surface a figure paints on: the subset of a JavaFX {@code GraphicsContext} that the
 * canvas views use, so that one paint method draws the screen ({@link CanvasFigureGraphics}) and
 * an SVG or PNG file ({@link Graphics2DFigureGraphics}). Colours, alignments and baselines are
 * JavaFX's plain value types, which need no running toolkit; fonts are named by family and size
 * for the same reason. State (colours, line, font, text alignment, transform, clip) is saved and
 * restored as a whole, like a canvas's.
 */
public interface FigureGraphics {

    void setFill(Color c);

    void setStroke(Color c);

    void setLineWidth(double w);

    /** Dash lengths, on and off in turn; null or none for a solid line. */
    void setLineDashes(double... dashes);

    /** Round line caps (true) or the default flat ones. */
    void setRoundCaps(boolean round);

    void setFont(String family, double size);

    void setTextAlign(TextAlignment align);

    void setTextBaseline(VPos baseline);

    /** The width {@code text} takes in the current font (legends lay themselves out with it). */
    double textWidth(String text);

    void fillRect(double x, double y, double w, double h);

    void strokeRect(double x, double y, double w, double h);

    /** A rectangle with corners rounded by an ellipse of arcW by arcH, as the canvas's. */
    void fillRoundRect(double x, double y, double w, double h, double arcW, double arcH);

    void strokeRoundRect(double x, double y, double w, double h, double arcW, double arcH);

    void strokeLine(double x0, double y0, double x1, double y1);

    void fillOval(double x, double y, double w, double h);

    void strokeOval(double x, double y, double w, double h);

    void fillPolygon(double[] xs, double[] ys, int n);

    void beginPath();

    void moveTo(double x, double y);

    void lineTo(double x, double y);

    void bezierCurveTo(double cx0, double cy0, double cx1, double cy1, double x, double y);

    /** Strokes the path built since {@link #beginPath()}. */
    void stroke();

    void fillText(String text, double x, double y);

    /** Like {@link #fillText(String, double, double)}, squeezed horizontally to at most maxWidth. */
    void fillText(String text, double x, double y, double maxWidth);

    /**
     * Raster pixels (ARGB, row by row, {@code pw} by {@code ph}) stretched onto the rectangle
     * without smoothing: a heatmap's cells; files embed them as PNG.
     */
    void drawPixels(int[] argb, int pw, int ph, double x, double y, double w, double h);

    /**
     * A kept raster stretched onto the rectangle without smoothing; the screen reuses its canvas
     * image between paints, others draw its pixels.
     */
    default void drawPixels(PixelImage image, double x, double y, double w, double h) {
        drawPixels(image.argb(), image.width(), image.height(), x, y, w, h);
    }

    void save();

    void restore();

    void translate(double x, double y);

    /** Rotates by {@code degrees}, clockwise on screen (y down), as the canvas's. */
    void rotate(double degrees);

    /** Narrows the clip to the rectangle (until {@link #restore()}). */
    void clipRect(double x, double y, double w, double h);
}
