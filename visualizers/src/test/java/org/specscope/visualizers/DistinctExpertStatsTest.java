package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.DistinctExpertStats.LayerCounts;
import org.specscope.visualizers.DistinctExpertStats.Measure;
import org.specscope.visualizers.DistinctExpertStats.Summary;

/** The distinct-expert counts and their summaries, without JavaFX. */
class DistinctExpertStatsTest {

    /** The three counts of {@code l}, straight from the routing arrays. */
    static LayerCounts independently(StepTrace step, LayerTrace l) {
        Set<Integer> natural = new HashSet<>();
        Set<Integer> used = new HashSet<>();
        Set<Integer> accepted = new HashSet<>();
        for (int i = 0; i < l.naturalIds().size(); i++) {
            natural.add(l.naturalIds().get(i));
            if (l.usedIds().get(i) >= 0) {
                used.add(l.usedIds().get(i));
            }
        }
        for (int p = 0; p < step.tree().acceptedPath().size(); p++) {
            int node = step.tree().acceptedPath().get(p);
            for (int r = 0; r < l.topK(); r++) {
                accepted.add(l.naturalIds().get(node * l.topK() + r));
            }
        }
        return new LayerCounts(l.layer(), natural.size(), used.size(), accepted.size());
    }

    @Test
    void countsEachLayersDistinctExpertsOverTheTreeAfterTheBudgetAndOnTheAcceptedPath() {
        StepTrace step = Traces.branching();
        List<LayerCounts> counts = DistinctExpertStats.counts(step);
        assertThat(counts).hasSize(step.layers().size());
        for (int i = 0; i < counts.size(); i++) {
            assertThat(counts.get(i)).isEqualTo(independently(step, step.layers().get(i)));
        }
        // nodes 0..5 name every one of the 8 experts; the budget keeps 4; the path 0-1-3 names 0, 1, 3, 4, 6
        assertThat(counts.get(0)).isEqualTo(new LayerCounts(1, 8, 4, 5));
    }

    @Test
    void nearestRankPercentilesAreValuesOfTheSample() {
        List<Integer> hundred = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            hundred.add(i);
        }
        Collections.shuffle(hundred, new Random(7));
        int[] values = hundred.stream().mapToInt(Integer::intValue).toArray();
        assertThat(DistinctExpertStats.percentile(values, 90)).isEqualTo(90);
        assertThat(DistinctExpertStats.percentile(values, 99)).isEqualTo(99);
        assertThat(DistinctExpertStats.percentile(values, 100)).isEqualTo(100);
        assertThat(DistinctExpertStats.mean(values)).isEqualTo(50.5);
        int[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        assertThat(DistinctExpertStats.percentile(ten, 90)).isEqualTo(9);
        assertThat(DistinctExpertStats.percentile(ten, 99)).isEqualTo(10);
        assertThat(DistinctExpertStats.percentile(new int[] {5, 1, 3}, 90)).isEqualTo(5);
        assertThat(DistinctExpertStats.percentile(new int[] {5, 1, 3}, 50)).isEqualTo(3);
        assertThat(DistinctExpertStats.percentile(new int[] {7}, 99)).isEqualTo(7);
        assertThat(DistinctExpertStats.percentile(new int[0], 90)).isZero();
        // the input is left as it was
        assertThat(ten[0]).isEqualTo(10);
    }

    @Test
    void summarisesEveryLayerOverAllStepsSoFar() {
        DistinctExpertStats stats = new DistinctExpertStats();
        List<StepTrace> steps = Traces.steps();
        for (int upTo = 0; upTo < steps.size(); upTo++) {
            stats.add(steps.get(upTo));
            for (int position : List.of(0, 1)) {
                int layer = steps.getFirst().layers().get(position).layer();   // MoE layers 1 and 3
                for (Measure m : Measure.values()) {
                    int[] sample = new int[upTo + 1];
                    for (int s = 0; s <= upTo; s++) {
                        StepTrace step = steps.get(s);
                        sample[s] = independently(step, step.layers().get(position)).get(m);
                    }
                    Summary sum = stats.summary(layer, m);
                    assertThat(stats.values(layer, m)).containsExactly(sample);
                    assertThat(sum.steps()).isEqualTo(upTo + 1);
                    assertThat(sum.mean()).isEqualTo(DistinctExpertStats.mean(sample));
                    assertThat(sum.p90()).isEqualTo(DistinctExpertStats.percentile(sample, 90));
                    assertThat(sum.p99()).isEqualTo(DistinctExpertStats.percentile(sample, 99));
                }
            }
        }
        assertThat(stats.layers()).as("layer numbers, not positions").containsExactly(1, 3);
        assertThat(stats.summary(5, Measure.TREE_USED)).isNull();
        stats.clear();
        assertThat(stats.layers()).isEmpty();
        assertThat(stats.max()).isZero();
    }

    @Test
    void aStepWithoutMoeLayersAddsNothing() {
        StepTrace prefill = Traces.prefill();
        StepTrace dense = new StepTrace(0, prefill.settings(), prefill.tree(), List.of(), prefill.emittedIds(),
                prefill.emittedText(), prefill.timings(), prefill.controller(), 0, 0, null);
        DistinctExpertStats stats = new DistinctExpertStats();
        stats.add(dense);
        assertThat(DistinctExpertStats.counts(dense)).isEmpty();
        assertThat(stats.layers()).isEmpty();
    }
}
