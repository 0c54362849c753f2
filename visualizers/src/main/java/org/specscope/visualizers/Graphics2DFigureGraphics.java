package org.specscope.visualizers;

import java.awt.BasicStroke;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Deque;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

/**
 * {@link FigureGraphics} on a {@code java.awt.Graphics2D}: JFreeSVG's {@code SVGGraphics2D} for
 * vector files and a {@code BufferedImage}'s graphics for PNG, neither needing the JavaFX
 * toolkit or a display. Canvas semantics are kept: fill and stroke colours are separate, text
 * is placed by alignment and baseline, and save/restore covers the whole state.
 */
public final class Graphics2DFigureGraphics implements FigureGraphics {

    private record State(java.awt.Color fill, java.awt.Color stroke, float lineWidth, float[] dashes, int cap,
                         java.awt.Font font, TextAlignment align, VPos baseline, AffineTransform transform,
                         Shape clip) {
    }

    private final Graphics2D g;
    private final Deque<State> saved = new ArrayDeque<>();
    private java.awt.Color fill = java.awt.Color.BLACK;
    private java.awt.Color stroke = java.awt.Color.BLACK;
    private float lineWidth = 1;
    private float[] dashes;
    private int cap = BasicStroke.CAP_SQUARE;
    private java.awt.Font font = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12);
    private TextAlignment align = TextAlignment.LEFT;
    private VPos baseline = VPos.BASELINE;
    private Path2D.Double path = new Path2D.Double();

    public Graphics2DFigureGraphics(Graphics2D g) {
        this.g = g;
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setFont(font);
    }

    /**
     * One that paints nowhere, for measuring text: Java2D's font metrics, the same as the SVG and
     * PNG exports lay their text out with (a figure sizing an export asks it).
     */
    static Graphics2DFigureGraphics measuring() {
        return new Graphics2DFigureGraphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics());
    }

    static java.awt.Color awt(Color c) {
        return new java.awt.Color((float) c.getRed(), (float) c.getGreen(), (float) c.getBlue(), (float) c.getOpacity());
    }

    @Override
    public void setFill(Color c) {
        fill = awt(c);
    }

    @Override
    public void setStroke(Color c) {
        stroke = awt(c);
    }

    @Override
    public void setLineWidth(double w) {
        lineWidth = (float) w;
    }

    @Override
    public void setLineDashes(double... d) {
        if (d == null || d.length == 0) {
            dashes = null;
            return;
        }
        dashes = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            dashes[i] = (float) d[i];
        }
    }

    @Override
    public void setRoundCaps(boolean round) {
        cap = round ? BasicStroke.CAP_ROUND : BasicStroke.CAP_SQUARE;
    }

    @Override
    public void setFont(String family, double size) {
        font = new java.awt.Font(family, java.awt.Font.PLAIN, 1).deriveFont((float) size);
        g.setFont(font);
    }

    @Override
    public void setTextAlign(TextAlignment a) {
        align = a;
    }

    @Override
    public void setTextBaseline(VPos b) {
        baseline = b;
    }

    @Override
    public double textWidth(String text) {
        return g.getFontMetrics(font).getStringBounds(text, g).getWidth();
    }

    private void fill(Shape s) {
        g.setColor(fill);
        g.fill(s);
    }

    private void draw(Shape s) {
        g.setColor(stroke);
        g.setStroke(new BasicStroke(lineWidth, cap, BasicStroke.JOIN_MITER, 10, dashes, 0));
        g.draw(s);
    }

    @Override
    public void fillRect(double x, double y, double w, double h) {
        fill(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void strokeRect(double x, double y, double w, double h) {
        draw(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void fillRoundRect(double x, double y, double w, double h, double arcW, double arcH) {
        fill(new RoundRectangle2D.Double(x, y, w, h, arcW, arcH));
    }

    @Override
    public void strokeRoundRect(double x, double y, double w, double h, double arcW, double arcH) {
        draw(new RoundRectangle2D.Double(x, y, w, h, arcW, arcH));
    }

    @Override
    public void strokeLine(double x0, double y0, double x1, double y1) {
        draw(new Line2D.Double(x0, y0, x1, y1));
    }

    @Override
    public void fillOval(double x, double y, double w, double h) {
        fill(new Ellipse2D.Double(x, y, w, h));
    }

    @Override
    public void strokeOval(double x, double y, double w, double h) {
        draw(new Ellipse2D.Double(x, y, w, h));
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int n) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                p.moveTo(xs[i], ys[i]);
            } else {
                p.lineTo(xs[i], ys[i]);
            }
        }
        p.closePath();
        fill(p);
    }

    @Override
    public void beginPath() {
        path = new Path2D.Double();
    }

    @Override
    public void moveTo(double x, double y) {
        path.moveTo(x, y);
    }

    @Override
    public void lineTo(double x, double y) {
        if (path.getCurrentPoint() == null) {
            path.moveTo(x, y); // a canvas starts a path at a lone lineTo; Path2D would throw
        } else {
            path.lineTo(x, y);
        }
    }

    @Override
    public void bezierCurveTo(double cx0, double cy0, double cx1, double cy1, double x, double y) {
        if (path.getCurrentPoint() == null) {
            path.moveTo(cx0, cy0);
        }
        path.curveTo(cx0, cy0, cx1, cy1, x, y);
    }

    @Override
    public void stroke() {
        if (path.getCurrentPoint() != null) {
            draw(path);
        }
    }

    @Override
    public void fillText(String text, double x, double y) {
        fillText(text, x, y, Double.POSITIVE_INFINITY);
    }

    @Override
    public void fillText(String text, double x, double y, double maxWidth) {
        if (text.isEmpty()) {
            return;
        }
        FontMetrics m = g.getFontMetrics(font);
        double width = m.getStringBounds(text, g).getWidth();
        double squeeze = width > maxWidth && maxWidth > 0 ? maxWidth / width : 1;
        double shown = width * squeeze;
        double left = switch (align) {
            case CENTER -> x - shown / 2;
            case RIGHT -> x - shown;
            default -> x;
        };
        // JavaFX places the text's top, centre or bottom at y; AWT draws at the baseline.
        double base = switch (baseline) {
            case TOP -> y + m.getAscent();
            case CENTER -> y + (m.getAscent() - m.getDescent()) / 2.0;
            case BOTTOM -> y - m.getDescent();
            default -> y;
        };
        g.setColor(fill);
        if (squeeze == 1) {
            g.drawString(text, (float) left, (float) base);
        } else {
            AffineTransform before = g.getTransform();
            g.translate(left, base);
            g.scale(squeeze, 1);
            g.drawString(text, 0f, 0f);
            g.setTransform(before);
        }
    }

    @Override
    public void drawPixels(int[] argb, int pw, int ph, double x, double y, double w, double h) {
        BufferedImage image = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, pw, ph, argb, 0, pw);
        Object interpolation = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        AffineTransform at = new AffineTransform(w / pw, 0, 0, h / ph, x, y);
        g.drawImage(image, at, null);
        if (interpolation != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        }
    }

    @Override
    public void save() {
        saved.push(new State(fill, stroke, lineWidth, dashes, cap, font, align, baseline, g.getTransform(),
                g.getClip()));
    }

    @Override
    public void restore() {
        State s = saved.poll();
        if (s == null) {
            return;
        }
        fill = s.fill();
        stroke = s.stroke();
        lineWidth = s.lineWidth();
        dashes = s.dashes();
        cap = s.cap();
        font = s.font();
        g.setFont(font);
        align = s.align();
        baseline = s.baseline();
        g.setTransform(s.transform());
        g.setClip(s.clip());
    }

    @Override
    public void translate(double x, double y) {
        g.translate(x, y);
    }

    @Override
    public void rotate(double degrees) {
        g.rotate(Math.toRadians(degrees));
    }

    @Override
    public void clipRect(double x, double y, double w, double h) {
        g.clip(new Rectangle2D.Double(x, y, w, h));
    }
}
