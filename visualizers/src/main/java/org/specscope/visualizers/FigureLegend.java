package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.styles.ColorMaps;

/** The legend row(s) of an exported figure, wrapped to the figure's width. */
public final class FigureLegend {

    static final String FONT = "SansSerif";
    static final double FONT_SIZE = 11;
    static final double PAD = 8;
    static final double GAP = 14;
    static final double MARK = 14;

    /** How an item's mark is drawn before its label. */
    public enum Mark {
        /** A filled square. */
        SWATCH,
        /** An outlined square (a highlighted node). */
        OUTLINE,
        /** A short line, dashed where the item has dashes. */
        LINE,
        /** A filled dot (a scatter plot's point). */
        DOT,
        /** A filled diamond (a reference point). */
        DIAMOND,
        /** A broad translucent stroke (a highlighted path under the lines). */
        BAND,
        /** The sequential colour ramp between "none" and "all". */
        RAMP,
        /** No mark: the label alone. */
        NONE
    }

    /** One legend entry: a mark in {@code color} (with {@code dashes} for lines and outlines) and a label. */
    public record Item(Mark mark, Color color, double[] dashes, String label) {

        public static Item swatch(Color c, String label) {
            return new Item(Mark.SWATCH, c, null, label);
        }

        public static Item outline(Color c, double[] dashes, String label) {
            return new Item(Mark.OUTLINE, c, dashes, label);
        }

        public static Item line(Color c, double[] dashes, String label) {
            return new Item(Mark.LINE, c, dashes, label);
        }

        public static Item dot(Color c, String label) {
            return new Item(Mark.DOT, c, null, label);
        }

        public static Item diamond(Color c, String label) {
            return new Item(Mark.DIAMOND, c, null, label);
        }

        public static Item band(Color c, String label) {
            return new Item(Mark.BAND, c, null, label);
        }

        public static Item ramp(String label) {
            return new Item(Mark.RAMP, Color.BLACK, null, label);
        }

        public static Item text(String label) {
            return new Item(Mark.NONE, Color.BLACK, null, label);
        }
    }

    private FigureLegend() {
    }

    /** Paints the caption and the items from the top left; returns the height used. */
    static double paint(FigureGraphics g, String caption, List<Item> items, Color ink, double width) {
        return layOut(g, withCaption(caption, items), ink, width, true);
    }

    /** Paints the items alone (the caption is shown elsewhere, e.g. in a label above the canvas). */
    static double paintItems(FigureGraphics g, List<Item> items, Color ink, double width) {
        return layOut(g, items, ink, width, true);
    }

    /** The height {@link #paint} would use, painting nothing ({@code g} measures the labels). */
    static double height(FigureGraphics g, String caption, List<Item> items, double width) {
        return layOut(g, withCaption(caption, items), Color.BLACK, width, false);
    }

    private static List<Item> withCaption(String caption, List<Item> items) {
        List<Item> all = new ArrayList<>();
        all.add(Item.text(caption));
        all.addAll(items);
        return all;
    }

    /** Wraps the items into rows of {@code width}, painting them if asked; returns the height used. */
    private static double layOut(FigureGraphics g, List<Item> all, Color ink, double width, boolean paint) {
        g.save();
        g.setFont(FONT, FONT_SIZE);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        double x = PAD;
        double y = TraceFigure.LEGEND_ROW / 2;
        for (Item item : all) {
            double w = itemWidth(g, item);
            if (x > PAD && x + w > width - PAD) {
                x = PAD;
                y += TraceFigure.LEGEND_ROW;
            }
            if (paint) {
                paintItem(g, item, ink, x, y);
            }
            x += w + GAP;
        }
        g.restore();
        return y + TraceFigure.LEGEND_ROW / 2;
    }

    private static double markWidth(Item item) {
        return switch (item.mark()) {
            case NONE -> 0;
            case RAMP -> 0; // drawn between its words
            default -> MARK + 4;
        };
    }

    private static double itemWidth(FigureGraphics g, Item item) {
        if (item.mark() == Mark.RAMP) {
            return g.textWidth(item.label() + ": none ") + 60 + g.textWidth(" all");
        }
        return markWidth(item) + g.textWidth(item.label());
    }

    private static void paintItem(FigureGraphics g, Item item, Color ink, double x, double y) {
        switch (item.mark()) {
            case SWATCH -> {
                g.setFill(item.color());
                g.fillRect(x, y - MARK / 2 + 1, MARK - 2, MARK - 2);
            }
            case OUTLINE -> {
                g.setStroke(item.color());
                g.setLineWidth(2);
                g.setLineDashes(item.dashes());
                g.strokeRect(x + 1, y - MARK / 2 + 2, MARK - 4, MARK - 4);
                g.setLineDashes((double[]) null);
            }
            case LINE -> {
                g.setStroke(item.color());
                g.setLineWidth(2);
                g.setLineDashes(item.dashes());
                g.strokeLine(x, y, x + MARK, y);
                g.setLineDashes((double[]) null);
            }
            case DOT -> {
                g.setFill(item.color());
                g.fillOval(x + 2, y - MARK / 2 + 3, MARK - 6, MARK - 6);
            }
            case DIAMOND -> {
                double r = MARK / 2 - 2;
                double cx = x + MARK / 2 - 1;
                g.setFill(item.color());
                g.fillPolygon(new double[] {cx, cx + r, cx, cx - r}, new double[] {y - r, y, y + r, y}, 4);
            }
            case BAND -> {
                g.setStroke(item.color());
                g.setLineWidth(7);
                g.setRoundCaps(true);
                g.strokeLine(x + 3, y, x + MARK - 3, y);
                g.setRoundCaps(false);
            }
            case RAMP, NONE -> {
            }
        }
        g.setFill(ink);
        if (item.mark() == Mark.RAMP) {
            String head = item.label() + ": none ";
            g.fillText(head, x, y);
            double rx = x + g.textWidth(head);
            int[] pixels = new int[60];
            for (int i = 0; i < pixels.length; i++) {
                Color c = ColorMaps.sequential(i / (pixels.length - 1.0));
                pixels[i] = 0xff000000 | (int) Math.round(c.getRed() * 255) << 16
                        | (int) Math.round(c.getGreen() * 255) << 8 | (int) Math.round(c.getBlue() * 255);
            }
            g.drawPixels(pixels, pixels.length, 1, rx, y - 5, 60, 10);
            g.setFill(ink);
            g.fillText(" all", rx + 60, y);
        } else {
            g.fillText(item.label(), x + markWidth(item), y);
        }
    }
}
