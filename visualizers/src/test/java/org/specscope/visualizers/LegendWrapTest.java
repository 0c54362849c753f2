package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** A narrow view wraps its legend onto more rows instead of cutting the labels off with "...". */
@ExtendWith(ApplicationExtension.class)
class LegendWrapTest {

    private DraftTreeView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new DraftTreeView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 320, 400);
    }

    @Test
    void aNarrowLegendWrapsAndKeepsEveryLabelWhole() throws Exception {
        onStage.feed(Traces.steps());
        Region legend = Fx.call(() -> (Region) view.node().lookup(".draft-tree-legend"));
        assertThat(Fx.call(legend::getWidth)).isLessThanOrEqualTo(320);
        double rowY = -1;
        boolean wrapped = false;
        for (Node child : Fx.call(() -> legend.getChildrenUnmodifiable().stream().toList())) {
            double y = Fx.call(child::getLayoutY);
            wrapped |= rowY >= 0 && y > rowY + 1;
            rowY = Math.max(rowY, y);
            if (child instanceof Label label) {
                assertThat(Fx.call(label::getWidth)).as("label %s", Fx.call(label::getText))
                        .isGreaterThanOrEqualTo(Fx.call(() -> label.prefWidth(-1)) - 0.5);
                assertThat(Fx.call(() -> child.getBoundsInParent().getMaxX())).isLessThanOrEqualTo(320);
            }
        }
        assertThat(wrapped).as("the legend takes more than one row").isTrue();
    }
}
