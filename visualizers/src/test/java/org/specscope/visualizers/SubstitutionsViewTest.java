package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class SubstitutionsViewTest {

    private SubstitutionsView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new SubstitutionsView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 900, 420);
    }

    @Test
    void tablesEachLayerWithItsPairsFromTheSelectedStep() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        List<SubstitutionSummary.Layer> expected = SubstitutionSummary.of(Traces.branching());
        assertThat(Fx.call(view::shownLayers)).isEqualTo(expected);
        List<TreeItem<SubstitutionsView.Row>> layers = Fx.call(() -> List.copyOf(view.table().getRoot().getChildren()));
        assertThat(layers).hasSize(expected.size());
        for (int i = 0; i < layers.size(); i++) {
            SubstitutionSummary.Layer l = expected.get(i);
            SubstitutionsView.Row row = layers.get(i).getValue();
            assertThat(row.label()).isEqualTo(l.describe());
            assertThat(row.nodes()).isEqualTo(l.nodesAffected());
            assertThat(row.lostWeight()).isEqualTo(l.lostWeight());
            assertThat(layers.get(i).getChildren()).extracting(c -> c.getValue().pair()).isEqualTo(l.pairs());
        }
        assertThat(layers.get(0).getChildren().get(0).getValue().label()).isEqualTo("e4 \u2192 e0");
        // the table shows the rows: layer 0's first pair is on screen
        assertThat(Fx.call(() -> view.node().lookupAll(".tree-table-cell").stream()
                .anyMatch(n -> n instanceof javafx.scene.control.Labeled c && "e4 \u2192 e0".equals(c.getText()))))
                .isTrue();
    }

    @Test
    void selectSwitchesSteps() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
        assertThat(Fx.call(view::shownLayers)).isEqualTo(SubstitutionSummary.of(Traces.chain()));
        onStage.select(0);
        assertThat(Fx.call(view::shownStep)).isZero();
        assertThat(Fx.call(view::shownLayers)).isEqualTo(SubstitutionSummary.of(Traces.prefill()));
        onStage.select(-1);
        assertThat(Fx.call(view::shownStep)).isEqualTo(2);
    }

    @Test
    void aNewRunEmptiesTheTable() throws Exception {
        onStage.feed(Traces.steps());
        onStage.feed(List.of());
        assertThat(Fx.call(view::shownStep)).isEqualTo(-1);
        assertThat(Fx.call(() -> view.table().getRoot().getChildren().size())).isZero();
    }

    @Test
    void exportsTheShownStepsRowsAsAFigureUnderItsLabel() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        String label = Fx.call(() -> ((javafx.scene.control.Label) view.node().lookup(".substitutions-legend .label"))
                .getText());
        double height = Fx.call(() -> view.exportSize(900, 100).getHeight());
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(Fx.call(() -> SvgExport.toSvg(view, 900, height))));

        assertThat(texts).contains(label).containsAll(SubstitutionsFigure.HEADERS);
        for (SubstitutionSummary.Layer l : SubstitutionSummary.of(Traces.branching())) {
            assertThat(texts).contains(l.describe());
            l.pairs().forEach(p -> assertThat(texts).contains(p.describe()));
        }
        // the table's colours are the stylesheet's; the figure's follow the theme it is given
        Fx.run(() -> view.themeProperty().set(org.specscope.styles.Themes.DARK));
        assertThat(Fx.call(() -> SvgExport.toSvg(view, 900, height))).contains("rgb(30,31,34)");
    }

    @Test
    void coalescesManyCallsIntoOneRebuild() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(onStage.redrawsOfManyCalls(view::redrawCount)).isEqualTo(1);
    }

    @Test
    void theFocusSelectsItsLayersPairAndSelectingARowFocusesItsLayerAndExpert() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        // step 1, layer 1 (the first MoE layer): natural 4 ran on 0 ("e4 -> e0")
        onStage.focus(focus, new TraceFocus(1, 1, 4, -1));
        assertThat(Fx.call(view::shownStep)).isEqualTo(1);
        assertThat(Fx.call(() -> view.table().getSelectionModel().getSelectedItem().getValue().label()))
                .isEqualTo("e4 \u2192 e0");
        // an expert that is a replacement only: its pair, as the replacement
        onStage.focus(focus, new TraceFocus(1, 1, 0, -1));
        assertThat(Fx.call(() -> view.table().getSelectionModel().getSelectedItem().getValue().pair().replacement()))
                .isZero();
        // a layer alone: its row
        onStage.focus(focus, new TraceFocus(1, 3, -1, -1));
        SubstitutionsView.Row row = Fx.call(() -> view.table().getSelectionModel().getSelectedItem().getValue());
        assertThat(row.pair()).isNull();
        assertThat(row.layer()).isEqualTo(3);
        onStage.focus(focus, TraceFocus.ofStep(1));
        assertThat(Fx.call(() -> view.table().getSelectionModel().getSelectedItem())).isNull();

        // the user selects layer 1's first pair: its layer and natural expert become the focus
        Fx.run(() -> view.table().getSelectionModel().select(view.table().getRoot().getChildren().get(0).getChildren().get(0)));
        assertThat(Fx.call(focus::get)).isEqualTo(new TraceFocus(1, 1, 4, -1));
        Fx.run(() -> view.table().getSelectionModel().select(view.table().getRoot().getChildren().get(1)));
        assertThat(Fx.call(focus::get)).as("another layer: its expert ids are not the last one's")
                .isEqualTo(new TraceFocus(1, 3, -1, -1));
    }

    @Test
    void saysAboveTheTableWhenTheShownStepsSettingsChanged() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.select(9);
        assertThat(Fx.call(view::caption)).startsWith("step 9 ")
                .endsWith("\u2691 settings changed at this step: chain 4 -> chain 6");
        onStage.select(10);
        assertThat(Fx.call(view::caption)).startsWith("step 10 ").doesNotContain(SettingsChange.FLAG);
        onStage.feed(Traces.steps());
        for (int i = 0; i < 3; i++) {
            onStage.select(i);
            assertThat(Fx.call(view::caption)).doesNotContain(SettingsChange.FLAG);
        }
    }
}
