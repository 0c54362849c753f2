package org.specscope.app;

import javafx.application.Application;

/**
 * The entry point on a class path. The java launcher refuses to start a main class that
 * extends {@link Application} when JavaFX is on the class path rather than the module path
 * ("JavaFX runtime components are missing"); this class does not, so it can.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        Application.launch(SpecScopeApp.class, args);
    }
}
