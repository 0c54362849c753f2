package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TreeLayoutTest {

    @Test
    void branchingTreeByHand() {
        // 0 -> 1, 2; 1 -> 3, 4; 3 -> 5
        TreeLayout layout = TreeLayout.of(-1, 0, 0, 1, 1, 3);
        assertThat(layout.columns()).isEqualTo(4);
        assertThat(layout.rows()).isEqualTo(3); // leaves 5, 4, 2
        assertThat(layout.row(5)).isEqualTo(0);
        assertThat(layout.row(3)).isEqualTo(0);
        assertThat(layout.row(4)).isEqualTo(1);
        assertThat(layout.row(1)).isEqualTo(0.5);
        assertThat(layout.row(2)).isEqualTo(2);
        assertThat(layout.row(0)).isEqualTo(1.25);
        assertThat(layout.pathTo(5)).containsExactly(0, 1, 3, 5);
        assertThat(layout.children(1)).containsExactly(3, 4);
    }

    @Test
    void chainIsOneRow() {
        TreeLayout layout = TreeLayout.of(-1, 0, 1, 2);
        assertThat(layout.rows()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(layout.column(i)).isEqualTo(i);
            assertThat(layout.row(i)).isZero();
        }
    }

    @Test
    void rootAlone() {
        TreeLayout layout = TreeLayout.of(-1);
        assertThat(layout.size()).isEqualTo(1);
        assertThat(layout.columns()).isEqualTo(1);
        assertThat(layout.rows()).isEqualTo(1);
    }

    @Test
    void parentsMustComeFirst() {
        assertThatThrownBy(() -> TreeLayout.of(-1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TreeLayout.of()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomTreesHaveNoOverlapsAndChildrenRightOfTheirParents() {
        Random random = new Random(42);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(80);
            int[] parents = new int[n];
            parents[0] = -1;
            for (int i = 1; i < n; i++) {
                parents[i] = random.nextInt(i);
            }
            TreeLayout layout = TreeLayout.of(parents);
            Set<String> cells = new HashSet<>();
            int leaves = 0;
            for (int i = 0; i < n; i++) {
                assertThat(cells.add(layout.column(i) + ":" + layout.row(i))).as("node %d overlaps in %s", i, layout)
                        .isTrue();
                assertThat(layout.row(i)).isBetween(0.0, layout.rows() - 1.0);
                int[] kids = layout.children(i);
                if (kids.length == 0) {
                    leaves++;
                }
                for (int k : kids) {
                    assertThat(layout.column(k)).isEqualTo(layout.column(i) + 1);
                }
                if (kids.length > 0) {
                    assertThat(layout.row(i)).isBetween(layout.row(kids[0]), layout.row(kids[kids.length - 1]));
                }
                // the path to any node (an accepted path, say) walks parent links from the root
                int[] path = layout.pathTo(i);
                assertThat(path[0]).isZero();
                assertThat(path[path.length - 1]).isEqualTo(i);
                for (int j = 1; j < path.length; j++) {
                    assertThat(layout.parent(path[j])).isEqualTo(path[j - 1]);
                }
            }
            assertThat(layout.rows()).isEqualTo(leaves);
            // nodes of one column are at least a row apart
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (layout.column(i) == layout.column(j)) {
                        assertThat(Math.abs(layout.row(i) - layout.row(j))).as("%d and %d in %s", i, j, layout)
                                .isGreaterThanOrEqualTo(1.0);
                    }
                }
            }
        }
    }
}
