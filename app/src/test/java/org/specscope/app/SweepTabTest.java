package org.specscope.app;

import javafx.concurrent.Task;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepParetoView;
import org.specscope.visualizers.SweepResults;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * File > Open sweep results: a real sweep's output (test resources sweep/, from
 * {@code ./specscope sweep ... --budgets 8,16 --no-cascade --clock h100}) opens in its own tab,
 * themed like the rest; a bad one is named in the console and the banner and nothing breaks.
 * No model is needed.
 */
@ExtendWith(ApplicationExtension.class)
class SweepTabTest {

    private final WindowFixture windows = new WindowFixture();
    private MainWindow window;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        window = windows.show(stage, List.of(new RecordingView("Recording")), tmp.resolve("home"));
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    private Path sweep() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sw-test"));
        for (String name : List.of("summary.csv", "sweep.json")) {
            try (InputStream in = SweepTabTest.class.getResourceAsStream("sweep/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir;
    }

    private static <T> void awaitDone(Task<T> task) {
        Fx.awaitTask(30, "the sweep is read", task);
    }

    @Test
    void aSweepOpensInANewClosableTabShowingItsPoints() throws IOException {
        int before = Fx.call(() -> window.viewTabs().getTabs().size());
        Task<SweepResults> task = Fx.call(() -> window.openSweep(sweep()));
        awaitDone(task);
        Fx.waitUntil(10, "the tab", () -> window.viewTabs().getTabs().size() == before + 1);
        Tab tab = Fx.call(() -> window.viewTabs().getTabs().getLast());
        assertThat(Fx.call(tab::getText)).isEqualTo("Sweep sw-test");
        assertThat(Fx.call(tab::isClosable)).isTrue();
        assertThat(Fx.call(() -> window.viewTabs().getTabs().getFirst().isClosable())).isFalse();
        assertThat(Fx.call(() -> window.viewTabs().getSelectionModel().getSelectedItem())).isSameAs(tab);
        SweepParetoView view = Fx.call(() -> (SweepParetoView) tab.getUserData());
        Fx.waitUntil(10, "the points are drawn", () -> view.drawnSettings().size() == 5);
        assertThat(Fx.call(view::frontierSettings)).containsExactly("B=16 truncate", "B=8 substitute", "B=8 truncate");

        // Themed with the window.
        Fx.run(() -> window.themeViewModel().themeProperty().set(Themes.DARK));
        assertThat(Fx.call(() -> view.themeProperty().get())).isEqualTo(Themes.DARK);
    }

    @Test
    void aSweepTabExportsAsSvgWithItsAxesAndLegend() throws Exception {
        awaitDone(Fx.call(() -> window.openSweep(sweep())));
        Fx.waitUntil(10, "the sweep tab is selected", () -> window.viewTabs().getSelectionModel().getSelectedItem()
                .getUserData() instanceof SweepParetoView);
        SweepParetoView view = Fx.call(() -> (SweepParetoView) window.viewTabs().getSelectionModel().getSelectedItem()
                .getUserData());
        // exported at its size on screen: a tab not laid out yet is too small for the chart
        Fx.waitUntil(10, "the sweep tab is laid out", () -> view.node().getLayoutBounds().getWidth() > 200);
        assertThat(Fx.call(() -> window.selectedFigure())).containsSame(view);
        MenuItem svgItem = Fx.call(() -> ((MenuButton) window.root().lookup("#exportMenu")).getItems().stream()
                .filter(i -> "export-view-svg".equals(i.getId())).findFirst().orElseThrow());
        assertThat(Fx.call(svgItem::isDisable)).isFalse();

        Task<Path> export = Fx.call(() -> window.exportViewSvg(tmp.resolve("sweep.svg")));
        Fx.awaitTask(30, "the SVG is written", export);
        assertThat(SvgFile.texts(tmp.resolve("sweep.svg"))).contains("speedup vs autoregressive  \u2192 better", "exact match with unbudgeted",
                "substitute", "truncate", "unbudgeted", "Pareto frontier", "B=8, acc 2.50");

        // The Output console has no figure: the item is off there.
        Fx.run(() -> window.viewTabs().getSelectionModel().selectFirst());
        assertThat(Fx.call(svgItem::isDisable)).isTrue();
    }

    @Test
    void aBadSweepIsNamedAndTheAppStaysUsable(FxRobot robot) throws IOException {
        int before = Fx.call(() -> window.viewTabs().getTabs().size());
        Path empty = Files.createDirectories(tmp.resolve("not-a-sweep"));
        awaitDone(Fx.call(() -> window.openSweep(empty)));
        assertThat(Fx.call(() -> List.copyOf(window.runViewModel().console())))
                .anyMatch(l -> l.contains("ERROR") && l.contains(empty.resolve("summary.csv").toString()));
        assertThat(robot.lookup("#banner").queryLabeled().isVisible()).isTrue();
        assertThat(robot.lookup("#banner").queryLabeled().getText()).contains("summary.csv", "no such file");

        Path bad = sweep();
        Path summary = bad.resolve("summary.csv");
        Files.writeString(summary, Files.readString(summary).replace("0.8613", "fast"));
        awaitDone(Fx.call(() -> window.openSweep(bad)));
        assertThat(robot.lookup("#banner").queryLabeled().getText()).contains("summary.csv line 4, column speedup");
        assertThat(Fx.call(() -> window.viewTabs().getTabs().size())).isEqualTo(before);

        // Still usable: a good sweep opens.
        Files.writeString(summary, Files.readString(summary).replace("fast", "0.8613"));
        awaitDone(Fx.call(() -> window.openSweep(bad)));
        Fx.waitUntil(10, "the tab", () -> window.viewTabs().getTabs().size() == before + 1);
    }
}
