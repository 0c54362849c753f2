package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class TokenStreamViewTest {

    private TokenStreamView view;
    private ViewStage onStage;

    @Start
    void start(Stage stage) {
        view = new TokenStreamView();
        onStage = ViewStage.show(stage, view, view::isRedrawPending, 800, 400);
    }

    private static String joined(List<Text> texts) {
        StringBuilder s = new StringBuilder();
        texts.forEach(t -> s.append(t.getText()));
        return s.toString();
    }

    @Test
    void showsTheEmittedTextWithAcceptedAndBonusTokensApart() throws Exception {
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::text)).isEqualTo("Hello cat sat down the street");
        assertThat(Fx.call(view::steps)).isEqualTo(3);
        List<Text> accepted = Fx.call(() -> view.tokens(TokenStreamView.Kind.ACCEPTED));
        List<Text> bonus = Fx.call(() -> view.tokens(TokenStreamView.Kind.BONUS));
        List<Text> rejected = Fx.call(() -> view.tokens(TokenStreamView.Kind.REJECTED));
        assertThat(accepted).extracting(Text::getText).containsExactly(" cat", " sat", " the");
        assertThat(bonus).extracting(Text::getText).containsExactly("Hello", " down", " street");
        assertThat(rejected).extracting(Text::getText).containsExactly(" on", " road", " .");
        // the flow's emitted nodes spell the emitted text, in order
        String emitted = Fx.call(() -> {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < view.steps(); i++) {
                for (Text t : view.tokensOfStep(i)) {
                    if (!t.getStyleClass().contains("token-rejected")) {
                        s.append(t.getText());
                    }
                }
            }
            return s.toString();
        });
        assertThat(emitted).isEqualTo("Hello cat sat down the street");
        // the stylesheet styles the kinds apart; rejected drafts are struck through
        assertThat(Fx.call(() -> accepted.get(0).getFill())).isNotEqualTo(Fx.call(() -> bonus.get(0).getFill()));
        assertThat(Fx.call(() -> rejected.get(0).isStrikethrough())).isTrue();
        assertThat(Fx.call(() -> accepted.get(0).isStrikethrough())).isFalse();
    }

    @Test
    void aTokenTellsItsStepWhenHovered() throws Exception {
        onStage.feed(Traces.steps());
        Text sat = Fx.call(() -> view.tokens(TokenStreamView.Kind.ACCEPTED).get(1));
        assertThat(Fx.call(sat::getUserData)).isEqualTo(1);
        Object tip = Fx.call(() -> sat.getProperties().values().stream().filter(Tooltip.class::isInstance)
                .findFirst().orElse(null));
        assertThat(tip).isInstanceOf(Tooltip.class);
        assertThat(((Tooltip) tip).getText()).contains("step 1").contains("accepted draft");
    }

    @Test
    void selectingAStepMarksItsTokens() throws Exception {
        onStage.feed(Traces.steps());
        onStage.select(1);
        for (int step = 0; step < 3; step++) {
            int s = step;
            List<Text> tokens = Fx.call(() -> view.tokensOfStep(s));
            assertThat(tokens).isNotEmpty();
            for (Text t : tokens) {
                assertThat(t.getStyleClass().contains("token-selected")).as("%s of step %d", t.getText(), s)
                        .isEqualTo(s == 1);
            }
        }
        onStage.select(-1);
        assertThat(Fx.call(() -> view.tokensOfStep(1).get(0).getStyleClass().contains("token-selected"))).isFalse();
    }

    @Test
    void rejectedDraftsCanBeHidden() throws Exception {
        onStage.feed(Traces.steps());
        Fx.run(() -> view.showRejectedProperty().set(false));
        assertThat(Fx.call(() -> view.tokens(TokenStreamView.Kind.REJECTED).stream().noneMatch(Text::isVisible)))
                .isTrue();
        assertThat(Fx.call(view::text)).isEqualTo("Hello cat sat down the street");
    }

    @Test
    void exportsItsTokensAsAFigureTheWholeTextAndWhatIsShownOnly() throws Exception {
        onStage.feed(Traces.steps());
        double height = Fx.call(() -> view.exportSize(200, 50).getHeight());
        assertThat(height).as("a narrow export grows to hold the whole text").isGreaterThan(50);
        List<String> texts = SvgExportTest.texts(SvgExportTest.parse(Fx.call(() -> SvgExport.toSvg(view, 200, height))));
        assertThat(texts).contains("Hello", "cat", "sat", "down", "the", "street", "road", "accepted draft",
                "tiny-moe  \u00b7  prompt: Say hello");

        Fx.run(() -> view.showRejectedProperty().set(false));
        assertThat(SvgExportTest.texts(SvgExportTest.parse(Fx.call(() -> SvgExport.toSvg(view, 800, 300)))))
                .contains("street").doesNotContain("road", "on");
    }

    @Test
    void aNewRunForgetsTheLast() throws Exception {
        onStage.feed(Traces.steps());
        onStage.feed(List.of(Traces.prefill()));
        assertThat(Fx.call(view::text)).isEqualTo("Hello");
        assertThat(Fx.call(view::steps)).isEqualTo(1);
    }

    @Test
    void clickingATokenFocusesItsStepAndNodeAndTheFocusedNodesTokenIsMarked() throws Exception {
        SharedFocus focus = onStage.share();
        onStage.feed(Traces.steps());
        // step 1 accepted " cat" (node 1) and " sat" (node 3)
        Text sat = Fx.call(() -> view.tokensOfStep(1).get(1));
        assertThat(sat.getText()).isEqualTo(" sat");
        Fx.run(() -> ViewStage.click(sat, 2, 2));
        Fx.awaitPulse(view::isRedrawPending);
        assertThat(Fx.call(focus::get)).isEqualTo(new TraceFocus(1, -1, -1, 3));
        assertThat(Fx.call(view::focusedToken)).isSameAs(sat);
        assertThat(Fx.call(() -> sat.getStyleClass().contains("token-focused"))).isTrue();
        assertThat(Fx.call(() -> view.tokensOfStep(1).stream().allMatch(t -> t.getStyleClass().contains("token-selected"))))
                .as("the step's tokens, as selected").isTrue();

        // another view focuses step 2's bonus token (the node after its 4-node tree)
        onStage.focus(focus, new TraceFocus(2, -1, -1, 4));
        Text bonus = Fx.call(() -> view.tokens(TokenStreamView.Kind.BONUS).get(2));
        assertThat(Fx.call(view::focusedToken)).isSameAs(bonus);
        assertThat(Fx.call(() -> sat.getStyleClass().contains("token-focused"))).isFalse();
        assertThat(Fx.call(() -> bonus.getStyleClass().contains("token-focused"))).isTrue();
        onStage.focus(focus, TraceFocus.NONE);
        assertThat(Fx.call(view::focusedToken)).isNull();
    }

    @Test
    void flagsTheFirstTokenOfEachStepWhoseSettingsChanged() throws Exception {
        onStage.feed(CascadeTraces.steps());
        List<Text> marks = Fx.call(view::settingsMarks);
        assertThat(marks).extracting(Text::getUserData).containsExactly(5, 9);
        List<javafx.scene.Node> flow = Fx.call(() -> List.copyOf(marks.getFirst().getParent().getChildrenUnmodifiable()));
        for (Text mark : marks) {
            int step = (Integer) mark.getUserData();
            Text first = Fx.call(() -> view.tokensOfStep(step).getFirst());
            assertThat(flow.indexOf(mark)).as("the flag of step %d stands just before its first token", step)
                    .isEqualTo(flow.indexOf(first) - 1);
            assertThat(mark.getText().strip()).isEqualTo(SettingsChange.FLAG);
            assertThat(mark.getStyleClass()).contains("settings-mark");
        }
        Object tip = Fx.call(() -> marks.getFirst().getProperties().values().stream()
                .filter(Tooltip.class::isInstance).findFirst().orElse(null));
        assertThat(((Tooltip) tip).getText()).startsWith("step 5: settings changed: B 4 -> 6");
        // the flags are not text
        StringBuilder emitted = new StringBuilder();
        CascadeTraces.steps().forEach(s -> emitted.append(s.emittedText()));
        assertThat(Fx.call(view::text)).isEqualTo(emitted.toString());
    }

    @Test
    void aRunWhoseSettingsStayHasNoFlagAndANewRunForgetsTheLastOnes() throws Exception {
        onStage.feed(CascadeTraces.steps());
        onStage.feed(Traces.steps());
        assertThat(Fx.call(view::settingsMarks)).isEmpty();
        assertThat(Fx.call(() -> view.node().lookupAll(".settings-mark"))).isEmpty();
    }
}
