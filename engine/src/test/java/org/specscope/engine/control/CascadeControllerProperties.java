package org.specscope.engine.control;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.specscope.engine.control.ScriptedWorkload.Step;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What holds for Cascade on every scripted curve U(K) = min(K + 1, cap) / (1 + cost x K). */
class CascadeControllerProperties {

    private static final long BASE = 1_000_000;

    @Property(tries = 200)
    void speculatesInEverySetPhaseExactlyWhenKOnePays(@ForAll @DoubleRange(min = 0.02, max = 2.0) double cost,
                                                     @ForAll @IntRange(min = 1, max = 6) int cap) {
        double u1 = ScriptedWorkload.utility(cost, Math.min(2, cap), 1);
        Assume.that(Math.abs(u1 - 1) > 1e-6);
        List<Step> steps = new ScriptedWorkload(BASE, cost, k -> Math.min(k + 1, cap))
                .run(new CascadeController(), 600);

        List<Integer> setKs = steps.stream().filter(s -> s.state().phase() == ControllerPhase.SET)
                .map(Step::k).toList();
        assertThat(setKs).isNotEmpty();
        if (u1 > 1) {
            assertThat(setKs).allSatisfy(k -> assertThat(k).isPositive());
            assertThat(setKs).allSatisfy(k -> assertThat(ScriptedWorkload.utility(cost, Math.min(k + 1, cap), k))
                    .isGreaterThanOrEqualTo(u1));
        } else {
            assertThat(setKs).containsOnly(0);
        }
    }

    @Property(tries = 100)
    void whereSpeculationNeverPaysTheSlowdownStaysWithinFivePercent(
            @ForAll @DoubleRange(min = 0.01, max = 2.0) double cost) {
        ScriptedWorkload w = new ScriptedWorkload(BASE, cost, k -> 1);
        w.run(new CascadeController(), 1000);
        assertThat((double) w.elapsedNanos() / (1000 * BASE)).isLessThanOrEqualTo(1.05);
    }

    @Property(tries = 200)
    void stoppingHopelessTestsNeverSetsADifferentKThanThePaperWouldAtTheFirstTest(
            @ForAll @DoubleRange(min = 0.02, max = 2.0) double cost, @ForAll @IntRange(min = 1, max = 6) int cap) {
        Step paper = firstSet(new ScriptedWorkload(BASE, cost, k -> Math.min(k + 1, cap)), CascadeConfig.PAPER);
        Step stopping = firstSet(new ScriptedWorkload(BASE, cost, k -> Math.min(k + 1, cap)), CascadeConfig.DEFAULT);
        assertThat(stopping.k()).isEqualTo(paper.k());
        assertThat(stopping.index()).isLessThanOrEqualTo(paper.index());
    }

    @Property(tries = 100)
    void whereSpeculationNeverPaysStoppingHopelessTestsLosesNoMoreThanThePaper(
            @ForAll @DoubleRange(min = 0.01, max = 2.0) double cost) {
        ScriptedWorkload paper = new ScriptedWorkload(BASE, cost, k -> 1);
        paper.run(new CascadeController(CascadeConfig.PAPER), 1000);
        ScriptedWorkload stopping = new ScriptedWorkload(BASE, cost, k -> 1);
        stopping.run(new CascadeController(CascadeConfig.DEFAULT), 1000);
        assertThat((double) stopping.elapsedNanos() / stopping.emittedTokens())
                .isLessThanOrEqualTo((double) paper.elapsedNanos() / paper.emittedTokens());
    }

    private static Step firstSet(ScriptedWorkload w, CascadeConfig config) {
        return w.run(new CascadeController(config), 200).stream()
                .filter(s -> s.state().phase() == ControllerPhase.SET).findFirst().orElseThrow();
    }
}
