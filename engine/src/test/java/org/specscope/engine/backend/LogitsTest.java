package org.specscope.engine.backend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Logits with their rows, and the argmax-only logits a device returns for greedy verification. */
class LogitsTest {

    @Test
    void theArgmaxOfARowIsItsHighestValueWithTiesToTheLowerId() {
        Logits l = new Logits(0, 2, 3, new float[]{1, 5, 5, -2, -1, -3});
        assertThat(l.argmax(0)).isEqualTo(1);
        assertThat(l.argmax(1)).isEqualTo(1);
        assertThat(l.row(1)).containsExactly(-2, -1, -3);
        assertThat(l.get(0, 2)).isEqualTo(5f);
        assertThat(l.hasRows()).isTrue();
    }

    @Test
    void argmaxOnlyLogitsAnswerTheArgmaxAndParentProbabilitiesAndRefuseRowsByNamingTheRequest() {
        Logits l = Logits.argmaxOnly(4, 100, new int[]{7, 42}, new float[]{Float.NaN, 0.25f});
        assertThat(l.hasRows()).isFalse();
        assertThat(l.parentTokenProbability(1)).isEqualTo(0.25f);
        assertThat(l.rows()).isEqualTo(2);
        assertThat(l.firstRow()).isEqualTo(4);
        assertThat(l.argmax(0)).isEqualTo(7);
        assertThat(l.argmax(1)).isEqualTo(42);
        assertThatThrownBy(() -> l.row(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("ALL_ARGMAX");
        assertThatThrownBy(() -> l.get(1, 3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(l::lastRow).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sizesThatDoNotAgreeAreRefused() {
        assertThatThrownBy(() -> new Logits(0, 2, 3, new float[5])).hasMessage("5 values for 2 x 3");
        assertThatThrownBy(() -> new Logits(0, 2, 3, null, null, null)).hasMessage("no values for 2 x 3");
        assertThatThrownBy(() -> new Logits(0, 2, 3, null, new int[3], new float[2])).hasMessage("3 argmaxes for 2 rows");
        assertThatThrownBy(() -> new Logits(0, 2, 3, null, new int[2], new float[1]))
                .hasMessage("1 parent-token probabilities for 2 rows");
        assertThatThrownBy(() -> new Logits(0, 1, 3, new float[3]).parentTokenProbability(0))
                .isInstanceOf(IllegalStateException.class);
    }
}
