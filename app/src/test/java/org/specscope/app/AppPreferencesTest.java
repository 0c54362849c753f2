package org.specscope.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.specscope.engine.backend.BackendChoice;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

class AppPreferencesTest {

    private final Preferences node = Preferences.userRoot().node("org/specscope/test/" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws BackingStoreException {
        node.removeNode();
    }

    @Test
    void remembersWindowSizeAndModels() {
        AppPreferences prefs = new AppPreferences(node);
        assertThat(prefs.lastModel()).isEmpty();
        prefs.setWindowSize(1000, 700);
        for (int i = 0; i < AppPreferences.MAX_RECENT + 2; i++) {
            prefs.modelOpened(Path.of("/models/m" + i));
        }
        prefs.modelOpened(Path.of("/models/m3"));
        AppPreferences again = new AppPreferences(node);
        assertThat(again.windowWidth()).isEqualTo(1000);
        assertThat(again.windowHeight()).isEqualTo(700);
        assertThat(again.lastModel()).contains(Path.of("/models/m3"));
        assertThat(again.recentModels()).hasSize(AppPreferences.MAX_RECENT).first().isEqualTo(Path.of("/models/m3"));
    }

    @Test
    void remembersDividersAndTheViewShown() {
        AppPreferences prefs = new AppPreferences(node);
        assertThat(prefs.dividers("main", 0.16, 0.74)).containsExactly(0.16, 0.74);
        assertThat(prefs.selectedView()).isEmpty();
        prefs.setDividers("main", 0.2, 0.7);
        prefs.setSelectedView("Expert heatmap");
        AppPreferences again = new AppPreferences(node);
        assertThat(again.dividers("main", 0.16, 0.74)).containsExactly(0.2, 0.7);
        assertThat(again.dividers("vertical", 0.78)).containsExactly(0.78);
        assertThat(again.selectedView()).contains("Expert heatmap");
    }

    @Test
    void aSavedLayoutThatDoesNotFitGivesTheDefaults() {
        AppPreferences prefs = new AppPreferences(node);
        for (String bad : List.of("0.2", "0.7,0.2", "0.2,1.5", "0,0.5", "a,b", "0.2,NaN")) {
            node.put("layout.dividers.main", bad);
            assertThat(prefs.dividers("main", 0.16, 0.74)).as(bad).containsExactly(0.16, 0.74);
        }
    }

    @Test
    void remembersTheBackendAndTakesAnUnknownOneForAutomatic() {
        AppPreferences prefs = new AppPreferences(node);
        assertThat(prefs.backend()).isEqualTo(BackendChoice.AUTO);
        prefs.setBackend(BackendChoice.CUDA);
        assertThat(new AppPreferences(node).backend()).isEqualTo(BackendChoice.CUDA);
        node.put("backend", "rocm");
        assertThat(prefs.backend()).isEqualTo(BackendChoice.AUTO);
    }
}
