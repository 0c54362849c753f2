package org.specscope.engine.control;

import org.junit.jupiter.api.Test;
import org.specscope.engine.control.ScriptedWorkload.Step;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.specscope.engine.control.ControllerPhase.BASELINE;
import static org.specscope.engine.control.ControllerPhase.SET;
import static org.specscope.engine.control.ControllerPhase.TEST;

/**
 * Cascade's test-and-set controller on scripted workloads whose utility curve is known exactly:
 * what it measures, which K it sets, how it backs off, and what it costs where speculation hurts.
 */
class CascadeControllerTest {

    private static final long BASE = 1_000_000;

    /** Consecutive iterations in one phase, with the K of each. */
    record PhaseRun(ControllerPhase phase, int start, List<Integer> ks) {
        int length() {
            return ks.size();
        }

        int end() {
            return start + length();
        }
    }

    private static List<PhaseRun> phaseRuns(List<Step> steps) {
        List<PhaseRun> runs = new ArrayList<>();
        List<Integer> ks = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            ks.add(steps.get(i).k());
            ControllerPhase p = steps.get(i).state().phase();
            if (i + 1 == steps.size() || steps.get(i + 1).state().phase() != p) {
                runs.add(new PhaseRun(p, i + 1 - ks.size(), List.copyOf(ks)));
                ks.clear();
            }
        }
        return runs;
    }

    private static List<PhaseRun> only(ControllerPhase phase, List<PhaseRun> runs) {
        return runs.stream().filter(r -> r.phase() == phase).toList();
    }

    /** SET iterations between consecutive test phases (a baseline refresh may split a set phase). */
    private static List<Integer> setPhaseLengths(List<PhaseRun> runs) {
        List<Integer> lengths = new ArrayList<>();
        int current = -1;   // -1 until the first test
        for (PhaseRun r : runs) {
            if (r.phase() == TEST) {
                if (current > 0) {
                    lengths.add(current);
                }
                current = 0;
            } else if (r.phase() == SET && current >= 0) {
                current += r.length();
            }
        }
        return lengths;
    }

    @Test
    void beforeAnyIterationItPlansABaselineOfKZero() {
        CascadeController c = new CascadeController();
        assertThat(c.nextK()).isZero();
        assertThat(c.state()).isEqualTo(new ControllerState(0, BASELINE, Double.NaN, 16, 0));
        assertThat(c.lastTest()).isEmpty();
    }

    @Test
    void startsByMeasuringTBaseOverThreeKZeroIterations() {
        ScriptedWorkload w = ScriptedWorkload.peakAtThree();
        List<Step> steps = w.run(new CascadeController(), 4);

        assertThat(steps.subList(0, 3)).allSatisfy(s -> {
            assertThat(s.k()).isZero();
            assertThat(s.state().phase()).isEqualTo(BASELINE);
        });
        assertThat(steps.get(1).state().baseNanos()).as("not known until the baseline ends").isZero();
        assertThat(steps.get(2).state().baseNanos()).isEqualTo(BASE);
        assertThat(steps.get(3).state().phase()).isEqualTo(TEST);
        assertThat(steps.get(3).k()).as("the first test starts at K = 1").isEqualTo(1);
    }

    @Test
    void disablesSpeculationWhenKOneAlreadyLosesTime() {
        CascadeController c = new CascadeController();
        List<PhaseRun> runs = phaseRuns(ScriptedWorkload.harmful().run(c, 3 + 4 + 1));

        assertThat(runs).extracting(PhaseRun::phase).containsExactly(BASELINE, TEST, SET);
        assertThat(runs.get(1).ks()).as("one candidate, t = 4 iterations").containsExactly(1, 1, 1, 1);
        assertThat(runs.get(2).ks()).containsExactly(0);
        assertThat(c.lastTest()).singleElement().satisfies(m -> {
            assertThat(m.k()).isEqualTo(1);
            assertThat(m.tokensPerIteration()).isEqualTo(1.0);
            assertThat(m.utility()).isCloseTo(1 / 1.5, within(1e-12));
        });
        assertThat(c.state().utility()).isCloseTo(1 / 1.5, within(1e-12));
    }

    @Test
    void findsThePeakOfAUnimodalCurveAndSetsIt() {
        CascadeController c = new CascadeController();
        List<Step> steps = ScriptedWorkload.peakAtThree().run(c, 1000);
        List<PhaseRun> tests = only(TEST, phaseRuns(steps));

        assertThat(tests.getFirst().ks()).as("climbs 1, 2, 3 and sees U fall at 4")
                .containsExactly(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4);
        assertThat(tests.get(1).ks()).as("later tests start at the best K and look one step either side")
                .containsExactly(3, 3, 3, 3, 4, 4, 4, 4, 2, 2, 2, 2);
        assertThat(steps).filteredOn(s -> s.state().phase() == SET).extracting(Step::k).containsOnly(3);
        assertThat(steps.stream().filter(s -> s.k() == 3).count()).as("most of the run is spent at the peak")
                .isGreaterThan(500);
        assertThat(c.lastTest()).extracting(UtilityMeasurement::utility).allSatisfy(u ->
                assertThat(u).isIn(2.0, 4 / 1.75));
    }

    @Test
    void eachFallToKZeroDoublesSSoTestsGrowExponentiallyRarer() {
        CascadeController c = new CascadeController();
        List<Step> steps = ScriptedWorkload.harmful().run(c, 1000);
        List<PhaseRun> runs = phaseRuns(steps);

        List<Integer> sValues = new ArrayList<>(List.of(16));
        steps.forEach(s -> {
            if (s.state().setLength() != sValues.getLast()) {
                sValues.add(s.state().setLength());
            }
        });
        assertThat(sValues).containsExactly(16, 32, 64, 128, 256, 512);
        assertThat(setPhaseLengths(runs)).as("K = 0 set phases between tests").containsExactly(32, 64, 128, 256);
        assertThat(only(TEST, runs)).hasSize(5).allSatisfy(t -> assertThat(t.ks()).containsExactly(1, 1, 1, 1));
    }

    @Test
    void choosingKAboveZeroLeavesSAsItIs() {
        CascadeController helpful = new CascadeController();
        List<Step> steps = ScriptedWorkload.peakAtThree().run(helpful, 500);
        assertThat(steps).extracting(s -> s.state().setLength()).containsOnly(16);
        assertThat(setPhaseLengths(phaseRuns(steps))).containsOnly(16);

        // After two falls to K = 0 S is 64; when speculation pays again S does not reset.
        CascadeController c = new CascadeController();
        ScriptedWorkload w = ScriptedWorkload.harmful();
        w.run(c, 3 + 4 + 32 + 4);
        assertThat(c.state().setLength()).isEqualTo(64);
        w.curveOf(ScriptedWorkload.peakAtThree()).run(c, 400);
        List<Integer> sets = setPhaseLengths(phaseRuns(w.steps()));
        assertThat(sets.subList(1, sets.size())).containsOnly(64);
        assertThat(c.state().setLength()).isEqualTo(64);
    }

    @Test
    void reEnablesSpeculationAtTheNextTestOnceItPaysAgain() {
        CascadeController c = new CascadeController();
        ScriptedWorkload w = ScriptedWorkload.harmful();
        w.run(c, 200);
        assertThat(c.nextK()).isZero();
        int switchedAt = w.steps().size();
        w.curveOf(ScriptedWorkload.peakAtThree()).run(c, 600);

        List<PhaseRun> runs = phaseRuns(w.steps());
        PhaseRun firstTestAfter = runs.stream().filter(r -> r.phase() == TEST && r.start() >= switchedAt)
                .findFirst().orElseThrow();
        PhaseRun setAfterIt = runs.stream().filter(r -> r.phase() == SET && r.start() >= firstTestAfter.end())
                .findFirst().orElseThrow();
        assertThat(firstTestAfter.ks().getFirst()).as("K = 1 was the best non-zero K").isEqualTo(1);
        assertThat(setAfterIt.ks()).containsOnly(3);
    }

    @Test
    void refreshesTBaseEveryHundredIterationsWithoutLosingTheSetPhase() {
        List<PhaseRun> runs = phaseRuns(ScriptedWorkload.peakAtThree().run(new CascadeController(), 1000));
        List<PhaseRun> baselines = only(BASELINE, runs);

        assertThat(baselines).hasSizeGreaterThanOrEqualTo(8).allSatisfy(b -> assertThat(b.ks()).containsExactly(0, 0, 0));
        int longestTest = 4 * 4;
        for (int i = 1; i < baselines.size(); i++) {
            int gap = baselines.get(i).start() - baselines.get(i - 1).end();
            assertThat(gap).as("due after 100, deferred at most to the end of a test").isBetween(100, 100 + longestTest);
        }
        assertThat(setPhaseLengths(runs)).as("an interrupted set phase resumes with what it had left").containsOnly(16);
    }

    @Test
    void theRefreshIntervalIsConfigurable() {
        CascadeController c = new CascadeController(CascadeConfig.PAPER.withBaseRefreshInterval(40));
        List<PhaseRun> baselines = only(BASELINE, phaseRuns(ScriptedWorkload.harmful().run(c, 500)));
        assertThat(baselines).hasSizeGreaterThan(10);
        for (int i = 1; i < baselines.size(); i++) {
            assertThat(baselines.get(i).start() - baselines.get(i - 1).end()).isBetween(40, 40 + 4);
        }
    }

    @Test
    void tBaseFollowsADriftingNonSpeculativeStepTime() {
        CascadeController c = new CascadeController();
        ScriptedWorkload w = ScriptedWorkload.peakAtThree();
        w.run(c, 150);
        w.curve(2 * BASE, 0.25, k -> Math.min(k + 1, 4)).run(c, 300);

        assertThat(c.state().baseNanos()).isEqualTo(2 * BASE);
        // Against the stale 1 ms t_base every U would read half its value.
        assertThat(c.lastTest()).isNotEmpty().allSatisfy(m -> assertThat(m.utility())
                .isCloseTo(ScriptedWorkload.utility(0.25, Math.min(m.k() + 1, 4), m.k()), within(1e-9)));
    }

    @Test
    void slowdownOnAHarmfulWorkloadStaysWithinFivePercent() {
        ScriptedWorkload cascade = ScriptedWorkload.harmful();
        List<Step> steps = cascade.run(new CascadeController(), 1000);
        ScriptedWorkload staticK1 = ScriptedWorkload.harmful();
        staticK1.run(DraftLengthPolicy.fixed(1), 1000);
        double noSpeculationNanosPerToken = BASE;

        double cascadeNanosPerToken = (double) cascade.elapsedNanos() / cascade.emittedTokens();
        assertThat(cascadeNanosPerToken / noSpeculationNanosPerToken).isLessThanOrEqualTo(1.05);
        assertThat(steps.stream().filter(s -> s.k() > 0).count()).as("iterations spent testing K > 0")
                .isLessThanOrEqualTo(50);
        assertThat((double) staticK1.elapsedNanos() / staticK1.emittedTokens() / noSpeculationNanosPerToken)
                .as("static K = 1 for contrast").isEqualTo(1.5);
    }

    @Test
    void aTestThatCanNoLongerPayStopsAtTheIterationThatProvesIt() {
        // K = 1 costs 1.5 base and emits 1 token. After 3 measured iterations even 2 tokens in the
        // 4th (3 + 2 = 5 tokens in 6 base) cannot reach U = 1; after 2 it still could (2 + 4 in 6).
        CascadeController c = new CascadeController(CascadeConfig.DEFAULT);
        List<PhaseRun> runs = phaseRuns(ScriptedWorkload.harmful().run(c, 3 + 3 + 1));

        assertThat(runs).extracting(PhaseRun::phase).containsExactly(BASELINE, TEST, SET);
        assertThat(runs.get(1).ks()).containsExactly(1, 1, 1);
        assertThat(runs.get(2).ks()).containsExactly(0);
        assertThat(c.lastTest()).singleElement().satisfies(m ->
                assertThat(m.utility()).as("measured over the 3 iterations run").isCloseTo(1 / 1.5, within(1e-12)));
    }

    @Test
    void aDraftAsDearAsTheTargetIsTestedForOneIterationOnly() {
        // K = 1 costs 2.2 base: even 2 tokens every iteration give U = 0.91, so one iteration proves it.
        CascadeController c = new CascadeController(CascadeConfig.DEFAULT);
        List<PhaseRun> tests = only(TEST, phaseRuns(new ScriptedWorkload(BASE, 1.2, k -> 1).run(c, 1000)));

        assertThat(tests).hasSizeGreaterThan(2).allSatisfy(t -> assertThat(t.ks()).containsExactly(1));
    }

    @Test
    void stoppingHopelessTestsChangesNothingWhereSpeculationPays() {
        List<Step> paper = ScriptedWorkload.peakAtThree().run(new CascadeController(CascadeConfig.PAPER), 1000);
        List<Step> stopping = ScriptedWorkload.peakAtThree().run(new CascadeController(CascadeConfig.DEFAULT), 1000);

        assertThat(stopping).isEqualTo(paper);
    }

    @Test
    void stoppingHopelessTestsHalvesWhatAHarmfulWorkloadLoses() {
        ScriptedWorkload paper = new ScriptedWorkload(BASE, 1.2, k -> 1);
        paper.run(new CascadeController(CascadeConfig.PAPER), 300);
        ScriptedWorkload stopping = new ScriptedWorkload(BASE, 1.2, k -> 1);
        stopping.run(new CascadeController(CascadeConfig.DEFAULT), 300);

        double paperLoss = (double) paper.elapsedNanos() / paper.emittedTokens() / BASE - 1;
        double stoppingLoss = (double) stopping.elapsedNanos() / stopping.emittedTokens() / BASE - 1;
        assertThat(paperLoss).isGreaterThan(0.05);
        assertThat(stoppingLoss).isPositive().isLessThan(paperLoss / 2);
    }

    @Test
    void warmUpIterationsAreRunButNotMeasured() {
        long coldStart = 5 * BASE;   // the first iteration after K changes is slow
        CascadeController warm = new CascadeController(CascadeConfig.PAPER.withWarmupIterations(1));
        List<PhaseRun> runs = phaseRuns(ScriptedWorkload.peakAtThree().switchPenalty(coldStart).run(warm, 3 + 5));
        assertThat(runs.get(1).ks()).containsExactly(1, 1, 1, 1, 1);
        assertThat(warm.lastTest().getFirst().utility()).isCloseTo(1.6, within(1e-12));

        CascadeController cold = new CascadeController();
        ScriptedWorkload.peakAtThree().switchPenalty(coldStart).run(cold, 3 + 4);
        assertThat(cold.lastTest().getFirst().utility()).as("the cold iteration counted").isLessThan(1.0);
    }

    @Test
    void anIterationThatDraftedFewerThanAskedStillMeasuresTheChosenK() {
        CascadeController c = new CascadeController();
        for (int i = 0; i < 3; i++) {
            c.record(0, 1, BASE);
        }
        assertThat(c.nextK()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            c.record(0, 1, BASE);   // an n-gram drafter found nothing to propose
        }
        assertThat(c.lastTest()).singleElement().satisfies(m -> {
            assertThat(m.k()).isEqualTo(1);
            assertThat(m.utility()).isEqualTo(1.0);
        });
        assertThat(c.nextK()).as("U = 1 is not below break-even, so the climb goes on").isEqualTo(2);
    }

    @Test
    void refusesIterationsItDidNotAskFor() {
        CascadeController c = new CascadeController();
        assertThatThrownBy(() -> c.record(2, 3, BASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ran with K=2").hasMessageContaining("asked for K=0");
        assertThatThrownBy(() -> c.record(0, 1, -5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5 ns");
        assertThat(c.state().phase()).isEqualTo(BASELINE);
        assertThat(c.state().baseNanos()).isZero();
    }

    @Test
    void isDeterministic() {
        List<Step> first = ScriptedWorkload.peakAtThree().run(new CascadeController(), 700);
        List<Step> second = ScriptedWorkload.peakAtThree().run(new CascadeController(), 700);
        assertThat(second).isEqualTo(first);
    }
}
