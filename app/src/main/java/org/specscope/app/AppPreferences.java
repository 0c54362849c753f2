package org.specscope.app;

import org.specscope.engine.backend.BackendChoice;
import org.specscope.styles.Themes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.prefs.Preferences;

/**
 * What the app remembers between runs: the window's size, its panes' dividers and the view shown,
 * the theme, the backend chosen and the models last opened. The
 * node is injected, so tests use a throwaway node and never touch the user's.
 */
public final class AppPreferences {

    private static final String WIDTH = "window.width";
    private static final String HEIGHT = "window.height";
    private static final String LAST_MODEL = "model.last";
    private static final String RECENT = "model.recent";
    private static final String EXPORT_DIRECTORY = "export.directory";
    private static final String THEME = "theme";
    private static final String BACKEND = "backend";
    private static final String DIVIDERS = "layout.dividers.";
    private static final String SELECTED_VIEW = "layout.view";
    static final int MAX_RECENT = 8;

    private final Preferences node;

    public AppPreferences(Preferences node) {
        this.node = Objects.requireNonNull(node);
    }

    /** The user's node for the app. */
    public static AppPreferences user() {
        return new AppPreferences(Preferences.userRoot().node("org/specscope/app"));
    }

    public Preferences node() {
        return node;
    }

    public double windowWidth() {
        return node.getDouble(WIDTH, 1400);
    }

    public double windowHeight() {
        return node.getDouble(HEIGHT, 880);
    }

    public void setWindowSize(double width, double height) {
        if (width > 100 && height > 100) {
            node.putDouble(WIDTH, width);
            node.putDouble(HEIGHT, height);
        }
    }

    /**
     * The divider positions last saved under {@code pane} ("main", "vertical"), or {@code defaults}
     * when none were, or when what was saved does not fit (another count, a value outside 0..1,
     * positions out of order): a layout from an older version must not squeeze a pane to nothing.
     */
    public double[] dividers(String pane, double... defaults) {
        String saved = node.get(DIVIDERS + pane, null);
        if (saved == null || saved.isBlank()) {
            return defaults.clone();
        }
        try {
            double[] positions = Arrays.stream(saved.split(",")).mapToDouble(Double::parseDouble).toArray();
            if (positions.length != defaults.length) {
                return defaults.clone();
            }
            double last = 0;
            for (double d : positions) {
                if (!(d > last && d < 1)) {
                    return defaults.clone();
                }
                last = d;
            }
            return positions;
        } catch (NumberFormatException e) {
            return defaults.clone();
        }
    }

    public void setDividers(String pane, double... positions) {
        node.put(DIVIDERS + pane, String.join(",", Arrays.stream(positions).mapToObj(Double::toString).toList()));
    }

    /** The title of the view tab shown when the window last closed. */
    public Optional<String> selectedView() {
        return Optional.ofNullable(node.get(SELECTED_VIEW, null)).filter(s -> !s.isBlank());
    }

    public void setSelectedView(String title) {
        node.put(SELECTED_VIEW, title);
    }

    public Optional<Path> lastModel() {
        String s = node.get(LAST_MODEL, null);
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(Path.of(s));
    }

    /** Remembers {@code dir} as the last model and at the head of the recent ones. */
    public void modelOpened(Path dir) {
        String path = dir.toAbsolutePath().normalize().toString();
        node.put(LAST_MODEL, path);
        List<String> recent = new ArrayList<>(recentPaths());
        recent.remove(path);
        recent.addFirst(path);
        while (recent.size() > MAX_RECENT) {
            recent.removeLast();
        }
        node.put(RECENT, String.join("\n", recent));
    }

    /** Where the last export or opened trace was: the file choosers start there. */
    public Optional<Path> exportDirectory() {
        String s = node.get(EXPORT_DIRECTORY, null);
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(Path.of(s));
    }

    public void setExportDirectory(Path dir) {
        if (dir != null) {
            node.put(EXPORT_DIRECTORY, dir.toAbsolutePath().normalize().toString());
        }
    }

    /** The theme last chosen; light at first, and for a name this version does not know. */
    public Themes theme() {
        String name = node.get(THEME, Themes.LIGHT.name());
        return Arrays.stream(Themes.values()).filter(t -> t.name().equals(name)).findFirst()
                .orElse(Themes.LIGHT);
    }

    public void setTheme(Themes theme) {
        node.put(THEME, theme.name());
    }

    /** Where models run: the choice last made in the Backend menu; automatic at first, and for a value this version does not know. */
    public BackendChoice backend() {
        try {
            return BackendChoice.parse(node.get(BACKEND, BackendChoice.AUTO.toString()));
        } catch (IllegalArgumentException e) {
            return BackendChoice.AUTO;
        }
    }

    public void setBackend(BackendChoice choice) {
        node.put(BACKEND, choice.toString());
    }

    public List<Path> recentModels() {
        return recentPaths().stream().map(Path::of).toList();
    }

    private List<String> recentPaths() {
        String s = node.get(RECENT, "");
        return s.isBlank() ? List.of() : List.of(s.split("\n"));
    }
}
