package org.specscope.app;

import javafx.scene.control.SplitPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The window's layout outlives the app: the panes' dividers and the view shown when the window
 * closed are where the user left them at the next start (a new window on the same preferences).
 */
@ExtendWith(ApplicationExtension.class)
class WindowLayoutTest {

    private final WindowFixture windows = new WindowFixture();
    private Stage stage;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void tearDown() throws BackingStoreException {
        windows.close();
    }

    /** A window of three views on the test's stage. */
    private MainWindow show() {
        return Fx.call(() -> windows.show(stage,
                List.of(new RecordingView("First"), new RecordingView("Second"), new RecordingView("Third")),
                tmp.resolve("home")));
    }

    private static List<SplitPane> splits(FxRobot robot) {
        return robot.lookup(n -> n instanceof SplitPane).queryAllAs(SplitPane.class).stream().toList();
    }

    @Test
    void dividersAndTheShownViewAreWhereTheUserLeftThem(FxRobot robot) {
        MainWindow first = show();
        Fx.run(() -> {
            for (SplitPane split : splits(robot)) {
                split.setDividerPositions(split.getDividers().size() == 2 ? new double[] {0.3, 0.6} : new double[] {0.55});
            }
            first.viewTabs().getSelectionModel().select(first.viewTabs().getTabs().stream()
                    .filter(t -> t.getText().equals("Third")).findFirst().orElseThrow());
        });
        Fx.run(stage::hide);

        MainWindow second = show();
        List<SplitPane> splits = Fx.call(() -> splits(robot));
        assertThat(splits).hasSize(2);
        for (SplitPane split : splits) {
            double[] positions = Fx.call(split::getDividerPositions);
            if (positions.length == 2) {
                assertThat(positions[0]).isCloseTo(0.3, within(0.02));
                assertThat(positions[1]).isCloseTo(0.6, within(0.02));
            } else {
                assertThat(positions[0]).isCloseTo(0.55, within(0.02));
            }
        }
        assertThat(Fx.call(() -> second.viewTabs().getSelectionModel().getSelectedItem().getText())).isEqualTo("Third");
    }

    @Test
    void aFirstStartHasTheDefaultLayout(FxRobot robot) {
        MainWindow window = show();
        for (SplitPane split : Fx.call(() -> splits(robot))) {
            double[] positions = Fx.call(split::getDividerPositions);
            assertThat(positions[0]).isCloseTo(positions.length == 2 ? 0.16 : 0.78, within(0.02));
        }
        assertThat(Fx.call(() -> window.viewTabs().getSelectionModel().getSelectedIndex())).isZero();
    }
}
