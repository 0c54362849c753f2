package org.specscope.styles;

import javafx.scene.paint.Color;

import java.net.URL;
import java.util.Objects;

/** The application's two themes, each one stylesheet on the classpath. */
public enum Themes {

    LIGHT("light.css", false, "#ffffff", "#1f2328", "#6a737d", "#d6d9de", "#f5f6f8", "#0072b2", "#d55e00", "#8c959f",
            "#cc2f00"),
    DARK("dark.css", true, "#1e1f22", "#dfe1e5", "#8c9097", "#43454a", "#2b2d30", "#56b4e9", "#e69f00", "#7d828a",
            "#ff6e54");

    private final String resource;
    private final boolean dark;
    private final Color background;
    private final Color text;
    private final Color textMuted;
    private final Color border;
    private final Color surface;
    private final Color accepted;
    private final Color bonus;
    private final Color rejected;
    private final Color settingsMark;

    // The same values as the stylesheet's -ss-* colours: figures snapshot on them, and the figures
    // of views styled by the stylesheet (token stream, substitutions) paint with them.
    Themes(String resource, boolean dark, String background, String text, String textMuted, String border,
           String surface, String accepted, String bonus, String rejected, String settingsMark) {
        this.resource = resource;
        this.dark = dark;
        this.background = Color.web(background);
        this.text = Color.web(text);
        this.textMuted = Color.web(textMuted);
        this.border = Color.web(border);
        this.surface = Color.web(surface);
        this.accepted = Color.web(accepted);
        this.bonus = Color.web(bonus);
        this.rejected = Color.web(rejected);
        this.settingsMark = Color.web(settingsMark);
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

    /** Secondary ink: headers, notes ({@code -ss-text-muted}). */
    public Color textMuted() {
        return textMuted;
    }

    /** Rules between parts ({@code -ss-border}). */
    public Color border() {
        return border;
    }

    /** A raised band, e.g. a table's group rows ({@code -ss-surface}). */
    public Color surface() {
        return surface;
    }

    /** Accepted draft tokens ({@code -ss-accepted}). */
    public Color accepted() {
        return accepted;
    }

    /** The bonus token the target adds ({@code -ss-bonus}). */
    public Color bonus() {
        return bonus;
    }

    /** Rejected draft tokens ({@code -ss-rejected}). */
    public Color rejected() {
        return rejected;
    }

    /** The flag before a step whose settings changed ({@code -ss-settings-mark}). */
    public Color settingsMark() {
        return settingsMark;
    }
}
