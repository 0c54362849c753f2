package org.specscope.visualizers;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A {@link VectorFigure} as a PNG painted by Java2D at {@code scale} pixels per unit (2 or 3 for
 * print): sharp at any scale since the figure is painted, not an upscaled snapshot, and no
 * JavaFX toolkit or display is needed.
 */
public final class PngExport {

    private PngExport() {
    }

    /** The figure painted at width by height; {@link VectorFigure#exportSize} says what size shows it whole. */
    public static BufferedImage toImage(VectorFigure figure, double width, double height, double scale) {
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

    public static void write(VectorFigure figure, double width, double height, double scale, Path file)
            throws IOException {
        if (!ImageIO.write(toImage(figure, width, height, scale), "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
