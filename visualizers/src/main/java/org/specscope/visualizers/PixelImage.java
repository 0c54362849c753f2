package org.specscope.visualizers;

/**
 * A raster a figure bakes and keeps between paints (ARGB, opaque, row by row): drawn with
 * {@link FigureGraphics#drawPixels(PixelImage, double, double, double, double)}. The screen
 * wraps the very array in a canvas image once and, after {@link #changed()}, only tells the
 * canvas it changed, so a redraw neither copies nor converts it; files embed it as PNG.
 * Needs no running JavaFX toolkit.
 */
public final class PixelImage {

    private final int[] argb;
    private final int width;
    private final int height;
    private int version;
    /** The screen's wrapper of {@link #argb}, kept by {@link CanvasFigureGraphics}. */
    Object screen;

    public PixelImage(int width, int height) {
        this.width = width;
        this.height = height;
        this.argb = new int[width * height];
    }

    /** The pixels, to bake into; call {@link #changed()} when done. */
    public int[] argb() {
        return argb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Counts up on each {@link #changed()}. */
    public int version() {
        return version;
    }

    /** Says the pixels were rewritten. */
    public void changed() {
        version++;
    }
}
