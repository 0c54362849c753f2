package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.ExpertUsage.Curve;
import org.specscope.visualizers.ExpertUsage.Measure;

class ExpertUsageTest {

    private static ExpertUsage of(List<StepTrace> steps) {
        ExpertUsage usage = new ExpertUsage();
        steps.forEach(usage::add);
        return usage;
    }

    @Test
    void countsNaturalSelectionsAndSumsRoutedMassPerLayer() {
        ExpertUsage usage = of(Traces.steps());
        assertThat(usage.steps()).isEqualTo(3);
        assertThat(usage.layers()).isEqualTo(2);
        assertThat(usage.numExperts()).isEqualTo(Traces.EXPERTS);
        double[] selections = new double[Traces.EXPERTS];
        double[] mass = new double[Traces.EXPERTS];
        for (StepTrace s : Traces.steps()) {
            LayerTrace l = s.layers().get(1);
            for (int node = 0; node < l.nodes(); node++) {
                for (int r = 0; r < l.topK(); r++) {
                    selections[l.naturalExpert(node, r)]++;
                }
            }
            for (int e = 0; e < Traces.EXPERTS; e++) {
                mass[e] += l.mass().get(e);
            }
        }
        assertThat(usage.usage(1, Measure.NATURAL_SELECTIONS)).containsExactly(selections);
        assertThat(usage.usage(1, Measure.ROUTED_MASS)).containsExactly(mass, within(1e-6));
        assertThat(usage.usage(ExpertUsage.ALL_LAYERS, Measure.NATURAL_SELECTIONS)).hasSize(2 * Traces.EXPERTS);
        usage.clear();
        assertThat(usage.layers()).isZero();
        assertThat(usage.steps()).isZero();
    }

    @Test
    void sortedUsageIsDescendingAndTheCumulativeShareIsMonotoneFromOriginToOneOne() {
        ExpertUsage usage = of(new SyntheticRun(4, 64, 8, 32, 16, 3).steps(10));
        for (int layer = ExpertUsage.ALL_LAYERS; layer < 4; layer++) {
            for (Measure m : Measure.values()) {
                double[] sorted = usage.sortedUsage(layer, m);
                for (int i = 1; i < sorted.length; i++) {
                    assertThat(sorted[i]).isLessThanOrEqualTo(sorted[i - 1]);
                }
                Curve c = usage.cumulativeShare(layer, m);
                assertThat(c.size()).isEqualTo(sorted.length + 1);
                assertThat(c.experts()[0]).isZero();
                assertThat(c.share()[0]).isZero();
                assertThat(c.experts()[c.size() - 1]).isEqualTo(1);
                assertThat(c.share()[c.size() - 1]).isEqualTo(1);
                for (int i = 1; i < c.size(); i++) {
                    assertThat(c.experts()[i]).isGreaterThan(c.experts()[i - 1]);
                    assertThat(c.share()[i]).isGreaterThanOrEqualTo(c.share()[i - 1]);
                    assertThat(c.share()[i]).as("never below the diagonal").isGreaterThanOrEqualTo(c.experts()[i] - 1e-12);
                }
            }
        }
    }

    @Test
    void uniformUseGivesTheDiagonal() {
        double[] uniform = new double[10];
        java.util.Arrays.fill(uniform, 3);
        Curve c = ExpertUsage.cumulativeShare(uniform);
        for (int i = 0; i < c.size(); i++) {
            assertThat(c.share()[i]).isCloseTo(c.experts()[i], within(1e-12));
        }
        // and so does no use at all
        Curve none = ExpertUsage.cumulativeShare(new double[4]);
        assertThat(none.share()).containsExactly(0, 0.25, 0.5, 0.75, 1);
    }

    @Test
    void zipfUseBowsAboveTheDiagonal() {
        double[] zipf = new double[128];
        for (int i = 0; i < zipf.length; i++) {
            zipf[i] = 1.0 / (i + 1);
        }
        Curve c = ExpertUsage.cumulativeShare(zipf);
        for (int i = 1; i < c.size() - 1; i++) {
            assertThat(c.share()[i]).isGreaterThan(c.experts()[i]);
        }
        // a quarter of the experts carry most of the mass: why a 25% cut can cost little
        assertThat(c.share()[32]).isGreaterThan(0.7);
    }

    @Test
    void theSyntheticRunsHeavyTailNeedsFewExpertsForMostOfTheMass() {
        ExpertUsage usage = of(new SyntheticRun(2, 128, 8, 64, 32, 5).steps(20));
        int covering = usage.expertsCovering(0, Measure.ROUTED_MASS, 0.9);
        assertThat(covering).isLessThan(128).isGreaterThan(8);
        Curve c = usage.cumulativeShare(0);
        assertThat(c.share()[covering]).isGreaterThanOrEqualTo(0.9);
        assertThat(c.share()[covering - 1]).isLessThan(0.9);
    }
}
