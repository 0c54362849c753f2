package org.specscope.engine.control;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** One test phase's search over K, on utility curves given outright. */
class CascadeHillClimbTest {

    private static final CascadeConfig PAPER = CascadeConfig.PAPER;

    /** The candidates a test phase starting at {@code startK} measures, and what it chooses. */
    record Search(List<Integer> candidates, int choice, int bestNonZero) {
    }

    private static Search search(int startK, CascadeConfig config, IntToDoubleFunction utility) {
        HillClimb climb = new HillClimb(startK, config);
        while (!climb.done()) {
            int k = climb.candidate();
            climb.record(new UtilityMeasurement(k, 1, 1, 1, utility.applyAsDouble(k)));
        }
        return new Search(climb.measurements().stream().map(UtilityMeasurement::k).toList(), climb.choice(),
                climb.bestNonZero());
    }

    /** U = 1.6, 2.0, 2.29, 2.0, 1.78 for K = 1..5: the peak at 3. */
    private static double peakAtThree(int k) {
        return Math.min(k + 1, 4) / (1 + 0.25 * k);
    }

    @Test
    void kOneBelowBreakEvenEndsTheTestAtKZero() {
        Search s = search(1, PAPER, k -> 0.9);
        assertThat(s.candidates()).containsExactly(1);
        assertThat(s.choice()).isZero();
        assertThat(s.bestNonZero()).as("the next test starts at K = 1 again").isEqualTo(1);
    }

    @Test
    void climbsUpwardToThePeakAndStopsWhenUFalls() {
        Search s = search(1, PAPER, CascadeHillClimbTest::peakAtThree);
        assertThat(s.candidates()).containsExactly(1, 2, 3, 4);
        assertThat(s.choice()).isEqualTo(3);
    }

    @Test
    void startingAtThePeakItLooksOneStepEitherSide() {
        Search s = search(3, PAPER, CascadeHillClimbTest::peakAtThree);
        assertThat(s.candidates()).as("up first, U fell, so the other side of the start").containsExactly(3, 4, 2);
        assertThat(s.choice()).isEqualTo(3);
    }

    @Test
    void aPeakBelowTheStartIsFoundByTurningRound() {
        IntToDoubleFunction peakAtTwo = k -> Math.min(k + 1, 3) / (1 + 0.25 * k);   // 1.6, 2.0, 1.71, 1.5
        Search s = search(3, PAPER, peakAtTwo);
        assertThat(s.candidates()).containsExactly(3, 4, 2, 1);
        assertThat(s.choice()).isEqualTo(2);
    }

    @Test
    void stopsWhenTwoConsecutiveUtilitiesAreWithinTheTolerance() {
        Search s = search(1, PAPER, k -> k == 1 ? 1.90 : 1.82);   // 4 % apart
        assertThat(s.candidates()).containsExactly(1, 2);
        assertThat(s.choice()).isEqualTo(1);

        Search strict = search(1, new CascadeConfig(3, 100, 0, 4, 4, 0.01, 16, 8), k -> k == 1 ? 1.90 : 1.82);
        assertThat(strict.candidates()).as("at a 1 percent tolerance 4 percent is a fall; turning round reaches K = 0")
                .containsExactly(1, 2);
        assertThat(strict.choice()).isEqualTo(1);
    }

    @Test
    void triesAtMostMaxCandidates() {
        IntToDoubleFunction rising = k -> 1.0 + 0.5 * k;   // always more than 10 % better
        assertThat(search(1, PAPER, rising).candidates()).containsExactly(1, 2, 3, 4);
        assertThat(search(1, new CascadeConfig(3, 100, 0, 4, 2, 0.10, 16, 8), rising).candidates())
                .containsExactly(1, 2);
    }

    @Test
    void neverLeavesOneToMaxK() {
        IntToDoubleFunction rising = k -> 1.0 + 0.5 * k;
        CascadeConfig maxK3 = PAPER.withMaxK(3);
        assertThat(search(1, maxK3, rising).candidates()).containsExactly(1, 2, 3);
        Search fromTop = search(3, maxK3, rising);
        assertThat(fromTop.candidates()).as("at maxK it steps down first; turning round would leave the range")
                .containsExactly(3, 2);
        assertThat(fromTop.choice()).isEqualTo(3);
        assertThat(search(9, maxK3, rising).candidates()).as("a start above maxK is clamped").startsWith(3);
    }

    @Test
    void walkingDownToKZeroStopsWithoutMeasuringIt() {
        IntToDoubleFunction falling = k -> 1.5 - 0.2 * k;    // 1.3, 1.1, 0.9, 0.7: best at K = 1
        CascadeConfig patient = new CascadeConfig(3, 100, 0, 4, 8, 0.10, 16, 8);
        Search s = search(3, patient, falling);
        assertThat(s.candidates()).containsExactly(3, 4, 2, 1);
        assertThat(s.choice()).isEqualTo(1);
    }

    @Test
    void choosesKZeroWhenNoCandidateBeatsNotSpeculating() {
        IntToDoubleFunction allBelowOne = k -> 0.95 - 0.2 * Math.abs(k - 3);   // peak 0.95 at K = 3
        Search s = search(3, PAPER, allBelowOne);
        assertThat(s.choice()).isZero();
        assertThat(s.bestNonZero()).as("yet the next test starts where speculation came closest").isEqualTo(3);
    }
}
