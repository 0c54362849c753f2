package org.specscope.styles;

import java.net.URL;
import java.util.Objects;

/** The application's two themes, each one stylesheet on the classpath. */
public enum Themes {

    LIGHT("light.css", false),
    DARK("dark.css", true);

    private final String resource;
    private final boolean dark;

    Themes(String resource, boolean dark) {
        this.resource = resource;
        this.dark = dark;
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
}
