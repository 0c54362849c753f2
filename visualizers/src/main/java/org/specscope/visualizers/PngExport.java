package org.specscope.visualizers;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javafx.geometry.Dimension2D;
import javax.imageio.ImageIO;

/**
 * A {@link VectorFigure} as a PNG painted by Java2D at {@code scale} pixels per unit (2 or 3 for
 * print): sharp at any scale since the figure is painted, not an upscaled snapshot, and no
 * JavaFX toolkit or display is needed.
 */
public final class PngExport {

    private PngExport() {
    }

    /** The figure painted at width by height, or larger where it needs to show everything ({@link VectorFigure#sizeFor}). */
    public static BufferedImage toImage(VectorFigure figure, double askedWidth, double askedHeight, double scale) {
        Dimension2D size = sizeFor(figure, askedWidth, askedHeight);
        double width = size.getWidth();
        double height = size.getHeight();
        BufferedImage image = new BufferedImage((int) Math.ceil(width * scale), (int) Math.ceil(height * scale),
                BufferedImage.TYPE_INT_ARGB);
        Graphics2D g2 = image.createGraphics();
        try {
            g2.scale(scale, scale);
            figure.paint(new Graphics2DFigureGraphics(g2), width, height);
        } finally {
            g2.dispose();
        }
        return image;
    }

    private static Dimension2D sizeFor(VectorFigure figure, double width, double height) {
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        try {
            return figure.sizeFor(new Graphics2DFigureGraphics(measure), width, height);
        } finally {
            measure.dispose();
        }
    }

    public static void write(VectorFigure figure, double width, double height, double scale, Path file)
            throws IOException {
        if (!ImageIO.write(toImage(figure, width, height, scale), "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
