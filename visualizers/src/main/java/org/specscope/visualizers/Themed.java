package org.specscope.visualizers;

import javafx.beans.property.ObjectProperty;
import org.specscope.styles.Themes;

/**
 * A view that draws with its own palette (on a canvas, where the scene's stylesheet does not
 * reach) and so must be told the theme. The app binds every such view to its theme setting.
 */
public interface Themed {

    /** The theme whose palette the view draws with. */
    ObjectProperty<Themes> themeProperty();
}
