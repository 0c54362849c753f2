package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.trace.StepTrace;

/** Where a run's settings changed, and what changed, in the field's words. */
class SettingsChangeTest {

    private static final Settings BASE = new Settings(ExpertBudget.fixed(16, CoveragePolicy.SUBSTITUTE),
            ScoreWeighting.UNIFORM, TreeShape.EAGLE_DEFAULT, false, SamplingParams.greedy());

    /** Traces' steps renumbered 0, 1, 2, ..., the i-th running {@code settings[i]}. */
    private static List<StepTrace> run(Settings... settings) {
        List<StepTrace> out = new ArrayList<>();
        for (int i = 0; i < settings.length; i++) {
            StepTrace base = Traces.steps().get(Math.min(i, 2));
            out.add(CascadeTraces.with(base, i, settings[i], base.controller()));
        }
        return out;
    }

    /** What changed between two steps that ran {@code before} and then {@code after}. */
    private static List<String> differences(Settings before, Settings after) {
        List<SettingsChange> changes = SettingsChanges.of(run(before, after)).all();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().step()).isEqualTo(1);
        return changes.getFirst().differences();
    }

    @Test
    void eachKnobThatMovedIsToldInTheFieldsWords() {
        assertThat(differences(BASE, BASE.withFixedBudget(8))).containsExactly("B 16 -> 8");
        assertThat(differences(BASE, BASE.withCoverage(CoveragePolicy.TRUNCATE)))
                .containsExactly("policy substitute -> truncate");
        assertThat(differences(BASE, BASE.withBudget(ExpertBudget.coverage(0.9, CoveragePolicy.SUBSTITUTE))))
                .containsExactly("budget B=16 -> tau=0.9");
        Settings tau = BASE.withBudget(ExpertBudget.coverage(0.8, CoveragePolicy.SUBSTITUTE));
        assertThat(differences(tau, tau.withBudget(ExpertBudget.coverage(0.85, CoveragePolicy.SUBSTITUTE))))
                .containsExactly("tau 0.8 -> 0.85");
        assertThat(differences(BASE, BASE.withBudget(ExpertBudget.UNLIMITED)))
                .containsExactly("budget B=16 -> unbudgeted");
        assertThat(differences(BASE, BASE.withScoring(ScoreWeighting.DEPTH_WEIGHTED)))
                .containsExactly("scoring uniform -> depth-weighted");
        assertThat(differences(BASE, BASE.withTree(TreeShape.chain(4)))).containsExactly("tree 7x10/60 -> chain 4");
        assertThat(differences(BASE.withTree(TreeShape.NONE), BASE.withTree(TreeShape.chain(4))))
                .containsExactly("tree none -> chain 4");
        assertThat(differences(BASE, BASE.withCascade(true))).containsExactly("cascade on");
        assertThat(differences(BASE.withCascade(true), BASE)).containsExactly("cascade off");
        assertThat(differences(BASE, BASE.withSampling(new SamplingParams(0.7, 0, 1, 0))))
                .containsExactly("temperature 0 -> 0.7");
        assertThat(differences(BASE, BASE.withSampling(new SamplingParams(0, 40, 1, 0)))).containsExactly("top-k 0 -> 40");
        assertThat(differences(BASE, BASE.withSampling(new SamplingParams(0, 0, 0.9, 0)))).containsExactly("top-p 1 -> 0.9");
        assertThat(differences(BASE, BASE.withSampling(new SamplingParams(0, 0, 1, 7)))).containsExactly("seed 0 -> 7");
    }

    @Test
    void severalKnobsMovedAtOnceAreAllTold() {
        Settings after = BASE.withFixedBudget(8).withCoverage(CoveragePolicy.TRUNCATE).withCascade(true);
        SettingsChange change = SettingsChanges.of(run(BASE, after)).all().getFirst();
        assertThat(change.summary()).isEqualTo("B 16 -> 8, policy substitute -> truncate, cascade on");
        assertThat(change.atThisStep()).isEqualTo("\u2691 settings changed at this step: "
                + "B 16 -> 8, policy substitute -> truncate, cascade on");
        assertThat(change.describe()).startsWith("step 1: settings changed: B 16 -> 8")
                .contains("from " + BASE.describe()).contains(after.describe());
    }

    @Test
    void unchangedSettingsYieldNoMarkAndTheFirstStepIsNeverOne() {
        SettingsChanges changes = SettingsChanges.of(run(BASE, BASE, BASE.withFixedBudget(16), BASE));
        assertThat(changes.all()).isEmpty();
        assertThat(changes.at(0)).isNull();
        assertThat(changes.at(2)).isNull();
        assertThat(SettingsChange.between(null, run(BASE).getFirst())).isNull();
    }

    @Test
    void findsEveryChangeInARunAndTheOnesAWindowSpans() {
        Settings b8 = BASE.withFixedBudget(8);
        Settings chain = b8.withTree(TreeShape.chain(4));
        SettingsChanges changes = SettingsChanges.of(run(BASE, BASE, b8, b8, b8, chain, chain));
        assertThat(changes.all()).extracting(SettingsChange::step).containsExactly(2, 5);
        assertThat(changes.at(2).summary()).isEqualTo("B 16 -> 8");
        assertThat(changes.at(5).summary()).isEqualTo("tree 7x10/60 -> chain 4");
        assertThat(changes.at(3)).isNull();
        // a window that starts at a change ran one setting throughout
        assertThat(changes.within(2, 4)).isEmpty();
        assertThat(changes.within(1, 4)).extracting(SettingsChange::step).containsExactly(2);
        assertThat(changes.within(0, 6)).extracting(SettingsChange::step).containsExactly(2, 5);
        assertThat(SettingsChange.spanned("window", changes.within(1, 4)))
                .isEqualTo("\u2691 window spans a settings change at step 2: B 16 -> 8");
        assertThat(SettingsChange.spanned("run", changes.all()))
                .isEqualTo("\u2691 run spans 2 settings changes, at steps 2, 5");
        assertThat(SettingsChange.spanned("run", List.of())).isEmpty();
        // a new run forgets the last one's settings
        changes.clear();
        assertThat(changes.add(run(BASE).getFirst())).isNull();
        assertThat(changes.all()).isEmpty();
    }
}
