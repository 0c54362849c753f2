package org.specscope.engine.control;

import org.junit.jupiter.api.Test;
import org.specscope.engine.spec.PassCost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManualClockTest {

    @Test
    void movesOnlyWhenAdvanced() {
        ManualClock clock = new ManualClock(1_000);
        assertThat(clock.nanoTime()).isEqualTo(1_000);
        clock.charge(new PassCost(1L << 40, 1L << 50, 7));
        assertThat(clock.nanoTime()).as("pass costs are ignored").isEqualTo(1_000);
        clock.advance(250);
        clock.advance(0);
        assertThat(clock.nanoTime()).isEqualTo(1_250);
        assertThat(clock.describe()).isEqualTo("manual");
    }

    @Test
    void neverRunsBackwards() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.nanoTime()).isZero();
    }
}
