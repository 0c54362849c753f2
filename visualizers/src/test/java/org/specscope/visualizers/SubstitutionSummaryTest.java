package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.SubstitutionSummary.Layer;
import org.specscope.visualizers.SubstitutionSummary.Pair;

/** The per-layer substitution summary, without JavaFX. */
class SubstitutionSummaryTest {

    @Test
    void pairsNaturalExpertsWithTheirReplacementsOverTheTreesNodes() {
        // Step 1, layer 1 (the first MoE layer) keeps {0, 1, 2, 3}; node i routes to i and i + 3 (mod 8), using expert 0 for any
        // natural expert outside the kept set. Nodes 1 and 4 lose e4 to e0; node 4 also e7; node 2 loses
        // e5 to e0; node 3 e6; node 5 loses e5, but e0 is its own natural expert, so nothing replaced it.
        Layer l = SubstitutionSummary.of(Traces.branching()).get(0);
        assertThat(l.pairs()).containsExactly(
                new Pair(4, 0, 2, 1, 1.0),
                new Pair(5, -1, 1, 0, 0.5),
                new Pair(5, 0, 1, 0, 0.5),
                new Pair(6, 0, 1, 1, 0.5),
                new Pair(7, 0, 1, 0, 0.5));
        assertThat(l.substitutions()).isEqualTo(6);
        assertThat(l.nodesAffected()).isEqualTo(5);
        assertThat(l.acceptedNodesAffected()).isEqualTo(2); // nodes 1 and 3 of the path 0-1-3
        assertThat(l.lostWeight()).isEqualTo(3.0);
        assertThat(l.kept()).isEqualTo(4);
        assertThat(l.pairs().get(0).describe()).isEqualTo("e4 \u2192 e0");
        assertThat(l.pairs().get(1).describe()).isEqualTo("e5 \u2192 dropped");
        assertThat(l.describe()).isEqualTo("layer 1: 4 kept, 6 substitutions in 5 nodes");
    }

    @Test
    void totalsAgreeWithTheLayerRecordsForEveryStepAndLayer() {
        for (StepTrace step : Traces.steps()) {
            List<Layer> layers = SubstitutionSummary.of(step);
            assertThat(layers).hasSize(step.layers().size());
            for (int i = 0; i < layers.size(); i++) {
                LayerTrace trace = step.layers().get(i);
                Layer l = layers.get(i);
                int missing = 0;
                double lost = 0;
                int affected = 0;
                for (int node = 0; node < trace.nodes(); node++) {
                    missing += trace.missingNatural(node);
                    lost += trace.lostWeight(node);
                    affected += trace.missingNatural(node) > 0 ? 1 : 0;
                }
                assertThat(l.layer()).isEqualTo(trace.layer());
                assertThat(l.substitutions()).isEqualTo(missing);
                assertThat(l.pairs().stream().mapToInt(Pair::nodes).sum()).isEqualTo(missing);
                assertThat(l.nodesAffected()).isEqualTo(affected);
                assertThat(l.lostWeight()).isCloseTo(lost, offset(1e-6));
                assertThat(l.pairs().stream().mapToDouble(Pair::lostWeight).sum()).isCloseTo(lost, offset(1e-6));
                // heaviest first
                for (int p = 1; p < l.pairs().size(); p++) {
                    assertThat(l.pairs().get(p).lostWeight()).isLessThanOrEqualTo(l.pairs().get(p - 1).lostWeight());
                }
            }
        }
    }
}
