package org.specscope.engine.generate;

import org.junit.jupiter.api.Test;
import org.specscope.engine.backend.TokenDraw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 0.5f, 2.9f};

    @Test
    void temperatureZeroIsGreedy() {
        Sampler s = new Sampler(SamplingParams.greedy());
        assertThat(s.sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void greedyBreaksTiesTowardTheLowerId() {
        assertThat(Sampler.argmax(new float[]{0, 5, 5, 1})).isEqualTo(1);
    }

    @Test
    void topKOfOneAlwaysPicksTheArgmax() {
        Sampler s = new Sampler(new SamplingParams(1.5, 1, 1, 7));
        for (int i = 0; i < 200; i++) {
            assertThat(s.sample(LOGITS)).isEqualTo(1);
        }
    }

    @Test
    void theDistributionIsTheTemperedSoftmax() {
        double[] p = Sampler.probabilities(LOGITS, new SamplingParams(2, 0, 1, 0));
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l / 2);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            assertThat(p[i]).isCloseTo(Math.exp(LOGITS[i] / 2) / z, within(1e-12));
        }
    }

    @Test
    void topKKeepsOnlyTheKLikeliestTokens() {
        double[] p = Sampler.probabilities(LOGITS, new SamplingParams(1, 2, 1, 0));
        assertThat(p[1] + p[4]).isCloseTo(1, within(1e-12));
        assertThat(p[0]).isZero();
        assertThat(p[2]).isZero();
    }

    @Test
    void topPKeepsTheSmallestSetReachingTheMassIncludingTheTokenThatCrossesIt() {
        // softmax of {3, 2.9, 2, 1, 0.5}: 0.384, 0.347, 0.141, 0.052, 0.032 (approx.)
        double[] p = Sampler.probabilities(LOGITS, new SamplingParams(1, 0, 0.5, 0));
        assertThat(p[1]).isGreaterThan(0);
        assertThat(p[4]).isGreaterThan(0);   // 0.384 < 0.5, so the second token is needed
        assertThat(p[2]).isZero();
        assertThat(p[1] + p[4]).isCloseTo(1, within(1e-12));
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        SamplingParams params = new SamplingParams(1, 0, 0.95, 42);
        Sampler a = new Sampler(params);
        Sampler b = new Sampler(params);
        for (int i = 0; i < 100; i++) {
            assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
        }
    }

    @Test
    void samplingFrequenciesFollowTheDistribution() {
        SamplingParams params = new SamplingParams(1, 0, 1, 3);
        Sampler s = new Sampler(params);
        double[] p = Sampler.probabilities(LOGITS, params);
        int n = 40_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            counts[s.sample(LOGITS)]++;
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double sd = Math.sqrt(n * p[i] * (1 - p[i]));
            assertThat((double) counts[i]).as("token %d", i).isCloseTo(n * p[i], within(5 * sd + 1));
        }
    }

    @Test
    void nonsenseParametersAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new SamplingParams(-1, 0, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1, -2, 1, 0)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 0, 0)).hasMessageContaining("top-p");
    }

    @Test
    void eachSampledTokenTakesOneNumberFromTheStreamAndGreedyTokensNone() {
        SamplingParams params = new SamplingParams(0.7, 0, 1, 99);
        java.util.SplittableRandom stream = new java.util.SplittableRandom(99);
        Sampler s = new Sampler(params);
        for (int i = 0; i < 5; i++) {
            assertThat(s.nextDraw().u()).isEqualTo(stream.nextDouble());
        }
        assertThat(new Sampler(SamplingParams.greedy()).nextDraw()).isEqualTo(TokenDraw.greedy());
    }

    @Test
    void aDrawPicksTheTokenWhoseCumulativeProbabilityFirstPassesU() {
        double[] p = Sampler.probabilities(LOGITS, new SamplingParams(1, 0, 1, 0));
        // In id order: p0 ~ 0.052, p1 ~ 0.384, ...: u just below p0 picks 0, just above picks 1.
        assertThat(new TokenDraw(1, 0, 1, p[0] - 1e-9).pick(LOGITS)).isZero();
        assertThat(new TokenDraw(1, 0, 1, p[0] + 1e-9).pick(LOGITS)).isEqualTo(1);
        assertThat(new TokenDraw(1, 0, 1, Math.nextDown(1.0)).pick(LOGITS)).isEqualTo(4);
    }

    @Test
    void aDrawOutsideTheUnitIntervalIsRejected() {
        assertThatThrownBy(() -> new TokenDraw(1, 0, 1, 1)).hasMessageContaining("u must be in [0, 1)");
        assertThatThrownBy(() -> new TokenDraw(1, 0, 1, -0.1)).hasMessageContaining("u must be in [0, 1)");
    }
}
