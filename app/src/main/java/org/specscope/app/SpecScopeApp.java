package org.specscope.app;

import javafx.application.Application;
import javafx.stage.Stage;
import org.specscope.visualizers.CascadeView;
import org.specscope.visualizers.DistinctExpertsView;
import org.specscope.visualizers.DraftTreeView;
import org.specscope.visualizers.ExpertHeatmapView;
import org.specscope.visualizers.SubstitutionsView;
import org.specscope.visualizers.TokenStreamView;
import org.specscope.visualizers.TraceView;
import org.specscope.visualizers.UsageDistributionView;

import java.util.List;

/**
 * The desktop app: {@code ./specscope} starts it on the bundled sample model.
 */
public final class SpecScopeApp extends Application {

    private MainWindow window;

    /**
     * The views in the centre tabs, in tab order: the ONE place to add a view. Each call makes
     * fresh instances (a view belongs to one window).
     */
    public static List<TraceView> defaultViews() {
        return List.of(new TokenStreamView(), new DraftTreeView(), new ExpertHeatmapView(), new UsageDistributionView(),
                new SubstitutionsView(), new DistinctExpertsView(), new CascadeView());
    }

    @Override
    public void start(Stage stage) {
        window = new MainWindow(defaultViews(), AppPreferences.user(), ModelCatalog.home());
        window.show(stage);
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }

    public static void main(String[] args) {
        launch(SpecScopeApp.class, args);
    }
}
