package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.trace.StepTrace;

/** The Cascade view's model, without JavaFX: it must say what the records say. */
class CascadeSeriesTest {

    private static CascadeSeries of(List<StepTrace> steps) {
        CascadeSeries s = new CascadeSeries();
        steps.forEach(s::add);
        return s;
    }

    @Test
    void readsUtilityKAndSetLengthFromEachStepsControllerState() {
        List<StepTrace> steps = CascadeTraces.steps();
        CascadeSeries s = of(steps);
        assertThat(s.size()).isEqualTo(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            StepTrace t = steps.get(i);
            assertThat(s.step(i)).isEqualTo(t.step());
            assertThat(s.k(i)).isEqualTo(t.draftLength());
            assertThat(s.setLength(i)).isEqualTo(t.controller().setLength());
            assertThat(s.phase(i)).isEqualTo(t.controller().phase());
            assertThat(Double.compare(s.utility(i), t.controller().utility())).isZero(); // NaN included
        }
        assertThat(s.maxK()).isEqualTo(steps.stream().mapToInt(StepTrace::draftLength).max().orElseThrow());
        assertThat(s.maxUtility()).isEqualTo(1.32);
    }

    @Test
    void groupsConsecutiveStepsOfOnePhaseIntoBands() {
        assertThat(of(CascadeTraces.steps()).bands()).containsExactly(
                new CascadeSeries.PhaseBand(0, 0, ControllerPhase.FIXED),
                new CascadeSeries.PhaseBand(1, 2, ControllerPhase.BASELINE),
                new CascadeSeries.PhaseBand(3, 6, ControllerPhase.TEST),
                new CascadeSeries.PhaseBand(7, 10, ControllerPhase.SET),
                new CascadeSeries.PhaseBand(11, 11, ControllerPhase.TEST),
                new CascadeSeries.PhaseBand(12, 13, ControllerPhase.SET));
    }

    @Test
    void bandsCoverEveryStepOnceInTheirStepsPhase() {
        List<StepTrace> steps = CascadeTraces.steps();
        List<ControllerPhase> covered = new ArrayList<>();
        for (CascadeSeries.PhaseBand b : of(steps).bands()) {
            for (int step = b.from(); step <= b.to(); step++) {
                covered.add(b.phase());
            }
        }
        assertThat(covered).isEqualTo(steps.stream().map(t -> t.controller().phase()).toList());
    }

    @Test
    void flagsTheStepsWhoseSettingsDifferFromThePreviousStepsAndNotTheFirst() {
        List<StepTrace> steps = CascadeTraces.steps();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i < steps.size(); i++) {
            if (!steps.get(i).settings().equals(steps.get(i - 1).settings())) {
                expected.add(steps.get(i).step());
            }
        }
        CascadeSeries s = of(steps);
        assertThat(expected).containsExactly(5, 9);
        assertThat(s.settingsChanges()).extracting(SettingsChange::step).isEqualTo(expected);
        SettingsChange budget = s.settingsChanges().get(0);
        assertThat(budget.before()).isEqualTo(CascadeTraces.FIRST);
        assertThat(budget.after()).isEqualTo(CascadeTraces.SECOND);
        assertThat(budget.describe()).contains("step 5").contains(CascadeTraces.SECOND.describe());
    }

    @Test
    void clearForgetsTheRun() {
        CascadeSeries s = of(CascadeTraces.steps());
        s.clear();
        assertThat(s.size()).isZero();
        assertThat(s.bands()).isEmpty();
        assertThat(s.settingsChanges()).isEmpty();
        assertThat(s.maxUtility()).isNaN();
        // the first step of the next run is no change, whatever the last run ran
        s.add(CascadeTraces.steps().get(10));
        assertThat(s.settingsChanges()).isEmpty();
    }
}
