package org.specscope.visualizers;

import javafx.scene.paint.Color;
import org.specscope.styles.Themes;

/**
 * What every trace figure is told besides its steps, held in one place: the theme it paints in
 * and the focus it highlights. Its page and ink are the theme's, unless the figure paints with a
 * palette of its own.
 */
public abstract class AbstractTraceFigure implements TraceFigure {

    protected Themes theme = Themes.LIGHT;
    protected TraceFocus focus = TraceFocus.NONE;

    @Override
    public void setTheme(Themes theme) {
        this.theme = theme;
    }

    @Override
    public void setFocus(TraceFocus focus) {
        this.focus = focus;
    }

    @Override
    public TraceFocus focus() {
        return focus;
    }

    @Override
    public Color background() {
        return theme.background();
    }

    @Override
    public Color ink() {
        return theme.text();
    }
}
