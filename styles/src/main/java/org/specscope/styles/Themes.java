package org.specscope.styles;

import javafx.scene.paint.Color;

import java.net.URL;
import java.util.Objects;

/** The application's two themes, each one stylesheet on the classpath. */
public enum Themes {

    LIGHT("light.css", false, "#ffffff", "#1f2328"),
    DARK("dark.css", true, "#1e1f22", "#dfe1e5");

    private final String resource;
    private final boolean dark;
    private final Color background;
    private final Color text;

    // The same values as the stylesheet's -ss-background and -ss-text: figures snapshot on them.
    Themes(String resource, boolean dark, String background, String text) {
        this.resource = resource;
        this.dark = dark;
        this.background = Color.web(background);
        this.text = Color.web(text);
    }

    /** The stylesheet's URL, for {@code Scene.getStylesheets()}. */
    public URL url() {
        return Objects.requireNonNull(Themes.class.getResource(resource), "missing stylesheet " + resource);
    }

    /** The stylesheet's URL as the string JavaFX's stylesheet lists take. */
    public String stylesheet() {
        return url().toExternalForm();
    }

    /** Whether the theme draws light ink on a dark background (canvas views pick their palette from it). */
    public boolean isDark() {
        return dark;
    }

    /** The page colour (the stylesheet's {@code -ss-background}): a PNG export's fill. */
    public Color background() {
        return background;
    }

    /** The ink colour (the stylesheet's {@code -ss-text}). */
    public Color text() {
        return text;
    }
}
