package org.specscope.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a display the launcher says so (and how to get one) instead of failing inside JavaFX. */
class LauncherTest {

    @Test
    void linuxWithoutDisplayIsExplained() {
        assertThat(Launcher.displayProblem("Linux", Map.of(), null)).hasValueSatisfying(message -> assertThat(message)
                .contains("no display").contains("DISPLAY").contains("xvfb-run").contains("--help"));
    }

    @Test
    void anX11OrWaylandDisplayOrAHeadlessPlatformIsEnough() {
        assertThat(Launcher.displayProblem("Linux", Map.of("DISPLAY", ":0"), null)).isEmpty();
        assertThat(Launcher.displayProblem("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0"), null)).isEmpty();
        assertThat(Launcher.displayProblem("Linux", Map.of(), "Monocle")).isEmpty();
    }

    @Test
    void windowsAndMacOpenWindowsWithoutADisplayVariable() {
        assertThat(Launcher.displayProblem("Windows 11", Map.of(), null)).isEmpty();
        assertThat(Launcher.displayProblem("Mac OS X", Map.of(), null)).isEmpty();
    }
}
