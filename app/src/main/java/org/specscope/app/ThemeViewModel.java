package org.specscope.app;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.paint.Color;
import org.specscope.styles.Themes;
import org.specscope.visualizers.Themed;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The window's theme: one property, remembered in the preferences, that drives the scene's
 * stylesheet (and fill, which a window snapshot is drawn on) and the palette of every view that
 * draws on a canvas (the stylesheet does not reach into a canvas, so those views are told).
 */
public final class ThemeViewModel {

    private final ObjectProperty<Themes> theme;

    public ThemeViewModel(AppPreferences preferences) {
        Objects.requireNonNull(preferences);
        theme = new SimpleObjectProperty<>(this, "theme", preferences.theme());
        theme.addListener((o, old, now) -> {
            if (now != null) {
                preferences.setTheme(now);
            }
        });
    }

    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    public Themes theme() {
        return theme.get();
    }

    /** Light to dark and back. */
    public void toggle() {
        theme.set(theme.get() == Themes.DARK ? Themes.LIGHT : Themes.DARK);
    }

    /** The colour figures are drawn on: the theme's page colour. */
    public Color background() {
        return theme.get().background();
    }

    /** Puts the theme's stylesheet on {@code scene} now and whenever the theme changes. */
    public void apply(Scene scene) {
        restyle(scene, theme.get());
        theme.addListener((o, old, now) -> restyle(scene, now));
    }

    private static void restyle(Scene scene, Themes now) {
        // Only our own sheets are replaced: a user's or a test's extra stylesheet stays.
        scene.getStylesheets().removeAll(Arrays.stream(Themes.values()).map(Themes::stylesheet).toList());
        scene.getStylesheets().addFirst(now.stylesheet());
        scene.setFill(now.background());
    }

    /** Binds {@code view}'s palette to the theme when it has one; whether it had. */
    public boolean bind(Object view) {
        Optional<ObjectProperty<Themes>> property = themePropertyOf(view);
        property.ifPresent(p -> p.bind(theme));
        return property.isPresent();
    }

    /**
     * The theme property of a view that draws its own palette: such views implement
     * {@link Themed} (the figure views through {@code FigureView}).
     */
    static Optional<ObjectProperty<Themes>> themePropertyOf(Object view) {
        return Optional.ofNullable(switch (view) {
            case Themed t -> t.themeProperty();
            case null, default -> null;
        });
    }
}
