package org.specscope.engine.backend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionMaskTest {

    @Test
    void aCausalMaskShowsEachTokenItselfAndWhatCameBefore() {
        AttentionMask m = AttentionMask.causal(3);
        assertThat(m.isVisible(0, 0)).isTrue();
        assertThat(m.isVisible(0, 1)).isFalse();
        assertThat(m.isVisible(2, 1)).isTrue();
        assertThat(m.isCausal()).isTrue();
    }

    @Test
    void aTreeNodeSeesItsAncestorsAndItselfButNotItsSiblingsOrTheirChildren() {
        //        root(0)
        //       /      \
        //     a(1)     b(2)
        //     |         |
        //    a1(3)     b1(4)
        AttentionMask m = AttentionMask.tree(new int[]{-1, 0, 0, 1, 2});
        assertThat(m.isVisible(3, 0)).isTrue();
        assertThat(m.isVisible(3, 1)).isTrue();
        assertThat(m.isVisible(3, 3)).isTrue();
        assertThat(m.isVisible(3, 2)).isFalse();
        assertThat(m.isVisible(4, 1)).isFalse();
        assertThat(m.isVisible(4, 2)).isTrue();
        assertThat(m.isVisible(2, 1)).isFalse();
        assertThat(m.isCausal()).isFalse();
    }

    @Test
    void aChainTreeIsTheCausalMask() {
        AttentionMask tree = AttentionMask.tree(new int[]{-1, 0, 1, 2});
        AttentionMask causal = AttentionMask.causal(4);
        for (int q = 0; q < 4; q++) {
            for (int k = 0; k < 4; k++) {
                assertThat(tree.isVisible(q, k)).as("%d sees %d", q, k).isEqualTo(causal.isVisible(q, k));
            }
        }
    }

    @Test
    void aParentMustComeBeforeItsChild() {
        assertThatThrownBy(() -> AttentionMask.tree(new int[]{-1, 2, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 1 has parent 2");
    }
}
