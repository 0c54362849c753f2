package org.specscope.engine.spec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution arithmetic speculation shares. */
class TokenDistributionsTest {

    @Test
    void klDivergenceIsZeroForEqualLogitsAndPositiveOtherwise() {
        float[] p = {1f, 2f, 3f};
        assertThat(TokenDistributions.klDivergence(p, p)).isZero();
        assertThat(TokenDistributions.klDivergence(p, new float[]{3f, 2f, 1f})).isGreaterThan(0.5);
    }
}
