package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class SweepParetoViewTest {

    private SweepParetoView view;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        view = new SweepParetoView();
        Scene scene = new Scene((Parent) view.node(), 900, 480);
        scene.getStylesheets().add(Themes.LIGHT.stylesheet());
        stage.setScene(scene);
        stage.show();
    }

    private SweepResults show() throws Exception {
        SweepResults r = SweepResults.read(SweepResultsTest.realSweep(tmp.resolve("sw")));
        Fx.run(() -> view.resultsProperty().set(r));
        Fx.awaitPulse(view::isRedrawPending);
        return r;
    }

    private Canvas canvas() throws Exception {
        return Fx.call(() -> (Canvas) view.node().lookupAll("Canvas").iterator().next());
    }

    @Test
    void onePointPerSettingWhereItsFiguresPutIt() throws Exception {
        SweepResults r = show();
        assertThat(Fx.call(view::drawnSettings)).containsExactlyElementsOf(
                r.plotted().stream().map(SweepResults.Point::setting).toList());
        assertThat(Fx.call(view::title)).isEqualTo("Sweep sw");
        // Faster is further right, more exact is higher.
        Point2D b8t = Fx.call(() -> view.centre("B=8 truncate"));
        Point2D b8s = Fx.call(() -> view.centre("B=8 substitute"));
        Point2D unb = Fx.call(() -> view.centre("unbudgeted"));
        assertThat(b8t.getX()).isGreaterThan(b8s.getX()).isGreaterThan(unb.getX());
        assertThat(b8t.getY()).isGreaterThan(b8s.getY()).isGreaterThan(unb.getY());
        assertThat(Fx.call(view::frontierSettings)).containsExactly("B=16 truncate", "B=8 substitute", "B=8 truncate");
        // Each point is painted in its line's colour, not the background.
        WritableImage image = Fx.call(() -> canvas().snapshot(null, null));
        Color at = image.getPixelReader().getColor((int) b8t.getX(), (int) b8t.getY());
        assertThat(at).isNotEqualTo(Themes.LIGHT.background());
        assertThat(Fx.call(() -> view.settingAt(b8t.getX() + 2, b8t.getY() - 1))).isEqualTo("B=8 truncate");
        assertThat(Fx.call(() -> view.describe("B=8 truncate"))).contains("mean accepted 2.50").contains("on the frontier");
    }

    @Test
    void theAxesAreSelectableAndTheFrontierFollows() throws Exception {
        show();
        Fx.run(() -> view.speedProperty().set(Speed.MEAN_KEPT_EXPERTS));
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(view::frontierSettings)).containsExactlyInAnyOrder("B=8 substitute", "B=16 substitute",
                "B=16 truncate");
        // Fewer experts to the left: B=8 left of B=16 left of unbudgeted (all 32).
        assertThat(Fx.call(() -> view.centre("B=8 truncate").getX())).isLessThan(Fx.call(() -> view.centre("B=16 truncate").getX()));
        assertThat(Fx.call(() -> view.centre("B=16 truncate").getX())).isLessThan(Fx.call(() -> view.centre("unbudgeted").getX()));
        int before = Fx.call(view::redrawCount);
        Fx.run(() -> view.qualityProperty().set(Quality.TOP1_AGREEMENT));
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(view::redrawCount)).isGreaterThan(before);
        assertThat(Fx.call(view::drawnSettings)).hasSize(5);
    }

    @Test
    void exportsAsSvgWithItsLegendAndTheScreenPointsStayInsideThePlot() throws Exception {
        show();
        Fx.run(() -> view.speedProperty().set(Speed.TOKENS_PER_SECOND));
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(Fx.call(() -> SvgExport.toSvg(view, 1200, 700))));
        assertThat(texts).contains("tokens/s  \u2192 better", "exact match with unbudgeted", "substitute", "truncate",
                "unbudgeted", "Pareto frontier", "B=8, acc 2.50");

        // The export painted at its own size; the screen is repainted at the canvas's.
        Fx.awaitPulse(view::isRedrawPending);
        Canvas canvas = canvas();
        double w = Fx.call(canvas::getWidth);
        double h = Fx.call(canvas::getHeight);
        javafx.geometry.Bounds plot = Fx.call(view::plotArea);
        assertThat(plot.getMaxX()).isLessThanOrEqualTo(w);
        assertThat(plot.getMaxY()).isLessThanOrEqualTo(h);
        for (String setting : Fx.call(view::drawnSettings)) {
            assertThat(plot.contains(Fx.call(() -> view.centre(setting)))).as(setting).isTrue();
        }
    }

    @Test
    void theDarkThemeRepaintsTheBackground() throws Exception {
        show();
        Fx.run(() -> view.themeProperty().set(Themes.DARK));
        Fx.awaitPulse(view::isRedrawPending);
        WritableImage image = Fx.call(() -> canvas().snapshot(null, null));
        assertThat(image.getPixelReader().getColor(2, 2)).isEqualTo(Themes.DARK.background());
    }

    @Test
    void withoutResultsItDrawsNothingAndSaysSo() throws Exception {
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(view::drawnSettings)).isEqualTo(List.of());
        assertThat(Fx.call(view::title)).isEqualTo("Sweep");
    }
}
