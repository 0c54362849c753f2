package org.specscope.visualizers;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Dimension2D;
import org.specscope.styles.Themes;

/**
 * A trace view whose model and export are a {@link TraceFigure}, whatever it shows on screen (a
 * canvas, a text flow, a table): the theme and the shared focus reach the figure here, and
 * exporting paints the whole figure, caption, legend and highlight included.
 *
 * @param <F> the figure that models the view and paints its export
 */
public abstract class FigureBackedView<F extends TraceFigure> implements TraceView, VectorFigure, Themed {

    /** The figure the view shows and exports; fed by the subclass, themed and focused here. */
    protected final F figure;

    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private SharedFocus shared;

    FigureBackedView(F figure) {
        this.figure = figure;
        theme.addListener(o -> figure.setTheme(theme.get()));
    }

    /** The shared focus the user's picks set; null until the view {@link #share}s one. */
    final SharedFocus shared() {
        return shared;
    }

    /** Shows the focus's step as if selected, highlights what it names and sets it to what the user picks. */
    @Override
    public void share(SharedFocus focus) {
        shared = focus;
        focus.focusProperty().addListener((o, was, now) -> focused(now));
        focused(focus.get());
    }

    /** The shared focus became {@code f}. */
    void focused(TraceFocus f) {
        figure.setFocus(f);
        select(f.step());
    }

    /** The theme whose palette the figure paints with (the stylesheet styles the view's nodes). */
    @Override
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The figure's size for export: larger than the view's where it does not fit it (it scrolls on screen). */
    @Override
    public Dimension2D exportSize(double width, double height) {
        return figure.exportSize(width, height);
    }

    /** Paints the figure as it stands, caption and legend included (for export). */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        figure.paint(g, width, height);
    }
}
