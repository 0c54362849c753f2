package org.specscope.app;

import javafx.stage.Stage;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.visualizers.TraceView;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * A test's main windows and their preferences, kept in a throwaway node so that no test reads
 * another's (or the user's) layout, theme or last model. {@link #close} after each test hides the
 * windows' stages, which saves their layout into the node, then removes the node.
 */
final class WindowFixture {

    private final Preferences node = Preferences.userRoot().node("org/specscope/test/" + UUID.randomUUID());
    private final List<Stage> stages = new ArrayList<>();

    /** The throwaway node (a window with preferences of its own takes a child of it). */
    Preferences node() {
        return node;
    }

    /** The preferences as the next window reads them. */
    AppPreferences preferences() {
        return new AppPreferences(node);
    }

    /** A window of {@code views} on {@code stage}, running the models under {@code home} on one CPU thread. */
    MainWindow show(Stage stage, List<TraceView> views, Path home) {
        return show(stage, views, preferences(), home, () -> new CpuBackend(1));
    }

    /** A window made as the app makes it (its own backend choice: CUDA when usable, else the CPU). */
    MainWindow showAsTheAppDoes(Stage stage, List<TraceView> views, Path home) {
        MainWindow window = new MainWindow(views, preferences(), home);
        if (!stages.contains(stage)) {
            stages.add(stage);
        }
        window.show(stage);
        return window;
    }

    /** A window shown on {@code stage}; call on the FX thread. */
    MainWindow show(Stage stage, List<TraceView> views, AppPreferences preferences, Path home,
            Supplier<Backend> backends) {
        return show(stage, views, preferences, home, Backends.cpuOnly(backends));
    }

    /** A window shown on {@code stage} whose loads open {@code backends}' backends; call on the FX thread. */
    MainWindow show(Stage stage, List<TraceView> views, AppPreferences preferences, Path home, Backends backends) {
        MainWindow window = new MainWindow(views, preferences, home, backends);
        if (!stages.contains(stage)) {
            stages.add(stage);
        }
        window.show(stage);
        return window;
    }

    /** Hides the stages (saving the windows' layout) and removes the node. */
    void close() throws BackingStoreException {
        stages.forEach(s -> Fx.run(s::hide));
        node.removeNode();
    }

    /** Waits for the window's model, generates {@code tokens} tokens and waits for the run's end. */
    static void runToEnd(MainWindow window, int tokens) {
        RunViewModel run = window.runViewModel();
        Fx.waitUntil(60, "the sample model is loaded", () -> run.phaseProperty().get() == Phase.READY
                || run.phaseProperty().get() == Phase.FINISHED);
        Fx.run(() -> run.maxTokensProperty().set(tokens));
        Fx.run(run::run);
        Fx.waitUntil(120, "the run ends", () -> run.phaseProperty().get() == Phase.FINISHED);
    }
}
