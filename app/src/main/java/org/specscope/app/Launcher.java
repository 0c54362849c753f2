package org.specscope.app;

import javafx.application.Application;

import java.util.Map;
import java.util.Optional;

/**
 * The entry point on a class path. The java launcher refuses to start a main class that
 * extends {@link Application} when JavaFX is on the class path rather than the module path
 * ("JavaFX runtime components are missing"); this class does not, so it can. It also says
 * plainly when there is no display to open a window on, instead of JavaFX's stack trace.
 */
public final class Launcher {

    /** Exit status when no window can be opened. */
    static final int NO_DISPLAY = 5;

    private Launcher() {
    }

    public static void main(String[] args) {
        Optional<String> problem = displayProblem(System.getProperty("os.name", ""), System.getenv(),
                System.getProperty("glass.platform"));
        if (problem.isPresent()) {
            System.err.println(problem.get());
            System.exit(NO_DISPLAY);
        }
        Application.launch(SpecScopeApp.class, args);
    }

    /**
     * Why a window cannot open here, if it cannot: on Linux and the BSDs JavaFX needs an X11 or
     * Wayland display (unless a headless glass platform such as Monocle was chosen).
     */
    static Optional<String> displayProblem(String osName, Map<String, String> env, String glassPlatform) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        boolean needsDisplay = os.contains("linux") || os.contains("bsd");
        boolean hasDisplay = !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
        if (!needsDisplay || hasDisplay || glassPlatform != null) {
            return Optional.empty();
        }
        return Optional.of("specscope: no display to open the app's window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                + "  Run it under a virtual display (xvfb-run -a ./specscope, with the xvfb and libgtk-3-0 packages),\n"
                + "  or use the command-line tools without a window: ./specscope --help lists them.");
    }
}
