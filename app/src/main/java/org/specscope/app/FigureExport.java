package org.specscope.app;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.transform.Transform;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Figures as PNG: a snapshot of a view's node at a print scale, or of the whole window, or a
 * figure painted by {@link org.specscope.visualizers.PngExport} (views that paint a vector figure
 * are painted rather than snapshot, see {@code MainWindow.exportViewPng}). The
 * snapshot is taken on the FX thread (it must be); encoding and writing the PNG can happen on
 * any thread.
 */
public final class FigureExport {

    /** The scales offered: 1x for the screen, 2x and 3x for print. */
    public static final int[] SCALES = {1, 2, 3};

    private FigureExport() {
    }

    /**
     * {@code node} drawn at {@code scale} (a Scale transform, so text and lines are rendered at
     * the higher resolution rather than the 1x pixels enlarged). FX thread.
     */
    public static WritableImage snapshot(Node node, double scale) {
        return snapshot(node, scale, Color.WHITE);
    }

    /**
     * {@code node} drawn at {@code scale} on {@code background} (the theme's page colour: what
     * the node leaves transparent would otherwise come out white, wrong under a dark theme). FX thread.
     */
    public static WritableImage snapshot(Node node, double scale, Paint background) {
        SnapshotParameters parameters = new SnapshotParameters();
        parameters.setTransform(Transform.scale(scale, scale));
        parameters.setFill(background);
        return node.snapshot(parameters, null);
    }

    /** The whole window as it is on screen (on the scene's fill, which the theme sets). FX thread. */
    public static WritableImage snapshot(Scene scene) {
        return scene.snapshot(null);
    }

    /** Encodes {@code image} as a PNG into {@code file} (created or replaced). Any thread. */
    public static void writePng(Image image, Path file) throws IOException {
        writePng(SwingFXUtils.fromFXImage(image, null), file);
    }

    /** Encodes {@code image} (a figure painted by Java2D) as a PNG into {@code file} (created or replaced). Any thread. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        // Opened here rather than by ImageIO, whose "Can't create an ImageOutputStream!" hides why.
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("this Java has no PNG writer");
            }
        }
    }

    /** Why a file could not be written or read, in words (the exception's message is often just the path). */
    public static String why(Throwable failure) {
        return switch (failure) {
            case null -> "unknown failure";
            case NoSuchFileException e -> "no such file or directory";
            case AccessDeniedException e -> "permission denied";
            default -> failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        };
    }
}
