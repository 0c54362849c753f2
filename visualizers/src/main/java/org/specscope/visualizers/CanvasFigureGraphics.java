package org.specscope.visualizers;

import java.nio.IntBuffer;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/** {@link FigureGraphics} on a JavaFX canvas: each call is the GraphicsContext's own. */
public final class CanvasFigureGraphics implements FigureGraphics {

    private final GraphicsContext g;

    /** Resets the context's transform and dashes, as every view's redraw did before painting. */
    public CanvasFigureGraphics(GraphicsContext g) {
        this.g = g;
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setLineDashes((double[]) null);
    }

    @Override
    public void setFill(Color c) {
        g.setFill(c);
    }

    @Override
    public void setStroke(Color c) {
        g.setStroke(c);
    }

    @Override
    public void setLineWidth(double w) {
        g.setLineWidth(w);
    }

    @Override
    public void setLineDashes(double... dashes) {
        g.setLineDashes(dashes);
    }

    @Override
    public void setRoundCaps(boolean round) {
        g.setLineCap(round ? StrokeLineCap.ROUND : StrokeLineCap.SQUARE);
    }

    @Override
    public void setFont(String family, double size) {
        Font f = g.getFont();
        if (!f.getFamily().equals(family) || f.getSize() != size) {
            g.setFont(Font.font(family, size));
        }
    }

    @Override
    public void setTextAlign(TextAlignment align) {
        g.setTextAlign(align);
    }

    @Override
    public void setTextBaseline(VPos baseline) {
        g.setTextBaseline(baseline);
    }

    @Override
    public double textWidth(String text) {
        Text t = new Text(text);
        t.setFont(g.getFont());
        return t.getLayoutBounds().getWidth();
    }

    @Override
    public void fillRect(double x, double y, double w, double h) {
        g.fillRect(x, y, w, h);
    }

    @Override
    public void strokeRect(double x, double y, double w, double h) {
        g.strokeRect(x, y, w, h);
    }

    @Override
    public void fillRoundRect(double x, double y, double w, double h, double arcW, double arcH) {
        g.fillRoundRect(x, y, w, h, arcW, arcH);
    }

    @Override
    public void strokeRoundRect(double x, double y, double w, double h, double arcW, double arcH) {
        g.strokeRoundRect(x, y, w, h, arcW, arcH);
    }

    @Override
    public void strokeLine(double x0, double y0, double x1, double y1) {
        g.strokeLine(x0, y0, x1, y1);
    }

    @Override
    public void fillOval(double x, double y, double w, double h) {
        g.fillOval(x, y, w, h);
    }

    @Override
    public void strokeOval(double x, double y, double w, double h) {
        g.strokeOval(x, y, w, h);
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int n) {
        g.fillPolygon(xs, ys, n);
    }

    @Override
    public void beginPath() {
        g.beginPath();
    }

    @Override
    public void moveTo(double x, double y) {
        g.moveTo(x, y);
    }

    @Override
    public void lineTo(double x, double y) {
        g.lineTo(x, y);
    }

    @Override
    public void bezierCurveTo(double cx0, double cy0, double cx1, double cy1, double x, double y) {
        g.bezierCurveTo(cx0, cy0, cx1, cy1, x, y);
    }

    @Override
    public void stroke() {
        g.stroke();
    }

    @Override
    public void fillText(String text, double x, double y) {
        g.fillText(text, x, y);
    }

    @Override
    public void fillText(String text, double x, double y, double maxWidth) {
        g.fillText(text, x, y, maxWidth);
    }

    @Override
    public void drawPixels(int[] argb, int pw, int ph, double x, double y, double w, double h) {
        WritableImage image = new WritableImage(pw, ph);
        image.getPixelWriter().setPixels(0, 0, pw, ph, PixelFormat.getIntArgbInstance(), argb, 0, pw);
        boolean smooth = g.isImageSmoothing();
        g.setImageSmoothing(false);
        g.drawImage(image, x, y, w, h);
        g.setImageSmoothing(smooth);
    }

    @Override
    public void drawPixels(PixelImage kept, double x, double y, double w, double h) {
        Screen screen = kept.screen instanceof Screen s ? s : null;
        if (screen == null) {
            // the image shares the array: the canvas reads the ints as they are, no copy or conversion
            // (opaque, so premultiplied as the format says)
            PixelBuffer<IntBuffer> buffer = new PixelBuffer<>(kept.width(), kept.height(),
                    IntBuffer.wrap(kept.argb()), PixelFormat.getIntArgbPreInstance());
            screen = new Screen(buffer, new WritableImage(buffer));
            screen.version = kept.version();
            kept.screen = screen;
        } else if (screen.version != kept.version()) {
            screen.version = kept.version();
            screen.buffer.updateBuffer(b -> null); // all of it changed
        }
        boolean smooth = g.isImageSmoothing();
        g.setImageSmoothing(false);
        g.drawImage(screen.image, 0, 0, kept.width(), kept.height(), x, y, w, h);
        g.setImageSmoothing(smooth);
    }

    /** A {@link PixelImage}'s canvas image, made once. */
    private static final class Screen {
        final PixelBuffer<IntBuffer> buffer;
        final WritableImage image;
        int version;

        Screen(PixelBuffer<IntBuffer> buffer, WritableImage image) {
            this.buffer = buffer;
            this.image = image;
        }
    }

    @Override
    public void save() {
        g.save();
    }

    @Override
    public void restore() {
        g.restore();
    }

    @Override
    public void translate(double x, double y) {
        g.translate(x, y);
    }

    @Override
    public void rotate(double degrees) {
        g.rotate(degrees);
    }

    @Override
    public void clipRect(double x, double y, double w, double h) {
        g.beginPath();
        g.rect(x, y, w, h);
        g.clip();
        g.beginPath();
    }
}
