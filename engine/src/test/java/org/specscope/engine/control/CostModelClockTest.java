package org.specscope.engine.control;

import org.junit.jupiter.api.Test;
import org.specscope.engine.spec.PassCost;

import static org.assertj.core.api.Assertions.assertThat;

/** Roofline time: the slower of streaming the bytes and computing the FLOPs, plus per-pass overhead. */
class CostModelClockTest {

    /** 1 TB/s, 100 TFLOP/s, 20 µs a pass: round numbers. */
    private static final DeviceProfile ROUND = new DeviceProfile("round", 1e12, 100e12, 20_000);

    @Test
    void aBandwidthBoundPassTakesItsBytesOverTheBandwidth() {
        CostModelClock clock = new CostModelClock(ROUND);
        clock.charge(new PassCost(1_000_000_000L, 1_000_000_000L, 1));   // 1 GB: 1 ms; 1 GFLOP: 10 µs
        assertThat(clock.nanoTime()).isEqualTo(1_000_000 + 20_000);
    }

    @Test
    void aComputeBoundPassTakesItsFlopsOverTheThroughput() {
        CostModelClock clock = new CostModelClock(ROUND);
        clock.charge(new PassCost(1_000_000L, 500_000_000_000L, 1));     // 1 MB: 1 µs; 0.5 TFLOP: 5 ms
        assertThat(clock.nanoTime()).isEqualTo(5_000_000 + 20_000);
    }

    @Test
    void chargesAccumulateAndEachPassPaysItsOverhead() {
        CostModelClock clock = new CostModelClock(ROUND);
        clock.charge(new PassCost(2_000_000L, 0, 1));
        clock.charge(new PassCost(2_000_000L, 0, 3));
        assertThat(clock.nanoTime()).isEqualTo(2 * 2_000 + 4 * 20_000);
    }

    @Test
    void nothingChargedIsNoTime() {
        CostModelClock clock = new CostModelClock(DeviceProfile.H100_SXM);
        clock.charge(PassCost.ZERO);
        assertThat(clock.nanoTime()).isZero();
    }

    @Test
    void subNanosecondPassesAddUpInsteadOfRoundingAway() {
        CostModelClock clock = new CostModelClock(new DeviceProfile("tiny", 1e12, 1e12, 0));
        for (int i = 0; i < 1000; i++) {
            clock.charge(new PassCost(400, 0, 1));   // 0.4 ns each
        }
        assertThat(clock.nanoTime()).isEqualTo(400);
    }

    @Test
    void anH100ReadsSixteenGigabytesInAboutFiveMilliseconds() {
        CostModelClock clock = new CostModelClock(DeviceProfile.H100_SXM);
        clock.charge(new PassCost(16_000_000_000L, 2 * 8_000_000_000L, 1));
        assertThat(clock.nanoTime()).isEqualTo(Math.round(16e9 / 3.35e12 * 1e9) + 20_000);
    }

    @Test
    void describesItsDevice() {
        assertThat(new CostModelClock(DeviceProfile.H100_SXM).describe())
                .isEqualTo("cost model: H100 SXM (3.35 TB/s, 989 TFLOP/s)");
        assertThat(Clock.WALL.describe()).isEqualTo("wall");
    }
}
