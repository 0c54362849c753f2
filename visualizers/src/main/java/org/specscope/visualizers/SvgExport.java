package org.specscope.visualizers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** A {@link VectorFigure} as a standalone SVG file: shapes as paths, text as text, a viewBox. */
public final class SvgExport {

    private SvgExport() {
    }

    /**
     * The SVG document of {@code figure} painted at width by height (user units, one per pixel);
     * {@link VectorFigure#exportSize} says what size shows it whole.
     */
    public static String toSvg(VectorFigure figure, double width, double height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        figure.paint(new Graphics2DFigureGraphics(g2), width, height);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + g2.getSVGElement(null, true, new ViewBox(0, 0, width, height), null, null) + "\n";
    }

    public static void write(VectorFigure figure, double width, double height, Path file) throws IOException {
        Files.writeString(file, toSvg(figure, width, height), StandardCharsets.UTF_8);
    }
}
