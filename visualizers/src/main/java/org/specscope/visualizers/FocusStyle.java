package org.specscope.visualizers;

import javafx.scene.paint.Color;
import org.specscope.styles.Themes;

/**
 * How every figure draws the shared focus: one colour in all of them, so that the eye links a
 * highlight in one view to the same layer, expert or step in another. Cyan, which none of the
 * figures' own palettes (viridis, Okabe-Ito, the kept pink) uses, over a halo of the background
 * so that it reads on any cell colour.
 */
final class FocusStyle {

    static final Color LIGHT = Color.web("#00b4d8");
    static final Color DARK = Color.web("#48e5ff");
    /** The focus stroke's width; its halo is {@link #HALO} wider. */
    static final double LINE = 2;
    static final double HALO = 2;

    private FocusStyle() {
    }

    static Color colour(Themes theme) {
        return theme.isDark() ? DARK : LIGHT;
    }

    /** A rounded rectangle (a tree node's ring) outlined in the focus colour over a halo of {@code halo}. */
    static void ring(FigureGraphics g, Themes theme, Color halo, double x, double y, double w, double h, double arc) {
        g.setLineDashes((double[]) null);
        g.setStroke(halo);
        g.setLineWidth(LINE + HALO);
        g.strokeRoundRect(x, y, w, h, arc, arc);
        g.setStroke(colour(theme));
        g.setLineWidth(LINE);
        g.strokeRoundRect(x, y, w, h, arc, arc);
    }

    /** A rectangle outlined in the focus colour over a halo of {@code halo}. */
    static void outline(FigureGraphics g, Themes theme, Color halo, double x, double y, double w, double h) {
        g.setLineDashes((double[]) null);
        g.setStroke(halo);
        g.setLineWidth(LINE + HALO);
        g.strokeRect(x, y, w, h);
        g.setStroke(colour(theme));
        g.setLineWidth(LINE);
        g.strokeRect(x, y, w, h);
    }
}
