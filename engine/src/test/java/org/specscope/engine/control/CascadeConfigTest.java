package org.specscope.engine.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CascadeConfigTest {

    @Test
    void theDefaultsAreThePapers() {
        CascadeConfig c = CascadeConfig.PAPER;
        assertThat(c.baselineIterations()).isEqualTo(3);
        assertThat(c.baseRefreshInterval()).isEqualTo(100);
        assertThat(c.warmupIterations()).isZero();
        assertThat(c.testIterations()).as("t").isEqualTo(4);
        assertThat(c.maxCandidates()).as("M").isEqualTo(4);
        assertThat(c.convergenceTolerance()).isEqualTo(0.10);
        assertThat(c.initialSetLength()).as("S").isEqualTo(16);
        assertThat(c.maxK()).isEqualTo(8);
        assertThat(new CascadeController().config()).isEqualTo(c);
    }

    @Test
    void aCandidateTakesItsWarmUpAndItsMeasuredIterations() {
        assertThat(CascadeConfig.PAPER.withWarmupIterations(2).iterationsPerCandidate()).isEqualTo(6);
    }

    @Test
    void refusesValuesThatCannotRunAndNamesTheField() {
        assertThatThrownBy(() -> new CascadeConfig(0, 100, 0, 4, 4, 0.1, 16, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("baselineIterations must be >= 1, got 0");
        assertThatThrownBy(() -> new CascadeConfig(3, 0, 0, 4, 4, 0.1, 16, 8))
                .hasMessage("baseRefreshInterval must be >= 1, got 0");
        assertThatThrownBy(() -> new CascadeConfig(3, 100, -1, 4, 4, 0.1, 16, 8))
                .hasMessage("warmupIterations must be >= 0, got -1");
        assertThatThrownBy(() -> new CascadeConfig(3, 100, 0, 0, 4, 0.1, 16, 8))
                .hasMessage("testIterations must be >= 1, got 0");
        assertThatThrownBy(() -> new CascadeConfig(3, 100, 0, 4, 0, 0.1, 16, 8))
                .hasMessage("maxCandidates must be >= 1, got 0");
        assertThatThrownBy(() -> new CascadeConfig(3, 100, 0, 4, 4, 0.1, 0, 8))
                .hasMessage("initialSetLength must be >= 1, got 0");
        assertThatThrownBy(() -> CascadeConfig.PAPER.withMaxK(0)).hasMessage("maxK must be >= 1, got 0");
        for (double bad : new double[]{-0.1, 1.0, Double.NaN}) {
            assertThatThrownBy(() -> new CascadeConfig(3, 100, 0, 4, 4, bad, 16, 8))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("convergenceTolerance");
        }
    }
}
