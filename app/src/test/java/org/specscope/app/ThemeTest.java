package org.specscope.app;

import javafx.scene.control.Tab;
import javafx.scene.control.ToggleButton;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.styles.Themes;
import org.specscope.visualizers.DraftTreeView;
import org.specscope.visualizers.ExpertHeatmapView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Light and dark: the choice restyles the scene and repaints the canvas views, is remembered
 * for the next window, and figures are exported on the theme's background. No model is needed
 * (the window's home has none).
 */
@ExtendWith(ApplicationExtension.class)
class ThemeTest {

    private final WindowFixture windows = new WindowFixture();
    private final RecordingView recording = new RecordingView("Recording");
    private DraftTreeView tree;
    private ExpertHeatmapView heatmap;
    private MainWindow window;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        tree = new DraftTreeView();
        heatmap = new ExpertHeatmapView();
        window = windows.show(stage, List.of(recording, tree, heatmap), tmp.resolve("home"));
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private static List<String> stylesheets(MainWindow w) {
        return Fx.call(() -> List.copyOf(w.root().getScene().getStylesheets()));
    }

    @Test
    void startsLightAndTheToolbarToggleSwitchesSceneAndViewsToDark(FxRobot robot) {
        assertThat(stylesheets(window)).contains(Themes.LIGHT.stylesheet()).doesNotContain(Themes.DARK.stylesheet());
        assertThat(Fx.call(() -> tree.themeProperty().get())).isEqualTo(Themes.LIGHT);

        robot.clickOn("#themeToggle");

        assertThat(stylesheets(window)).contains(Themes.DARK.stylesheet()).doesNotContain(Themes.LIGHT.stylesheet());
        assertThat(Fx.call(() -> tree.themeProperty().get())).isEqualTo(Themes.DARK);
        assertThat(Fx.call(() -> heatmap.themeProperty().get())).isEqualTo(Themes.DARK);
        assertThat(Fx.call(() -> window.root().getScene().getFill())).isEqualTo(Themes.DARK.background());
        assertThat(windows.preferences().theme()).isEqualTo(Themes.DARK);
    }

    @Test
    void theViewMenuChoiceIsRememberedByTheNextWindow() {
        Fx.run(() -> window.themeViewModel().themeProperty().set(Themes.DARK));   // as View > Theme > Dark does

        DraftTreeView nextTree = Fx.call(DraftTreeView::new);
        MainWindow next = Fx.call(() -> windows.show(new Stage(), List.of(nextTree), tmp.resolve("home")));
        assertThat(stylesheets(next)).contains(Themes.DARK.stylesheet()).doesNotContain(Themes.LIGHT.stylesheet());
        assertThat(Fx.call(() -> nextTree.themeProperty().get())).isEqualTo(Themes.DARK);
        ToggleButton toggle = Fx.call(() -> (ToggleButton) next.root().lookup("#themeToggle"));
        assertThat(Fx.call(toggle::isSelected)).isTrue();

        // And back: the menu, the toggle and the views follow.
        Fx.run(() -> next.themeViewModel().toggle());
        assertThat(Fx.call(toggle::isSelected)).isFalse();
        assertThat(Fx.call(() -> nextTree.themeProperty().get())).isEqualTo(Themes.LIGHT);
        assertThat(windows.preferences().theme()).isEqualTo(Themes.LIGHT);
    }

    @Test
    void aViewExportedUnderTheDarkThemeIsDrawnOnTheDarkBackground() throws Exception {
        Fx.run(() -> window.themeViewModel().themeProperty().set(Themes.DARK));
        Tab recordingTab = Fx.call(() -> window.viewTabs().getTabs().stream()
                .filter(t -> t.getContent() == recording.node()).findFirst().orElseThrow());
        Fx.run(() -> window.viewTabs().getSelectionModel().select(recordingTab));
        Fx.waitUntil(10, "the view is laid out", () -> recording.node().getLayoutBounds().getWidth() > 0);

        Path png = tmp.resolve("dark.png");
        var task = Fx.call(() -> window.exportViewPng(png, 1));
        Fx.awaitTask(30, "the export is written", task);
        BufferedImage image = ImageIO.read(png.toFile());
        Color corner = Color.rgb((image.getRGB(0, 0) >> 16) & 0xff, (image.getRGB(0, 0) >> 8) & 0xff,
                image.getRGB(0, 0) & 0xff);
        assertThat(corner.getBrightness()).as("corner " + corner).isLessThan(0.3);
    }
}
