package org.specscope.engine.backend.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.TestBackend;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.LayerRouting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * MoE-Spec's budget inside the CPU forward pass: a verification pass over a draft tree loads
 * only the kept experts, re-routes the tokens whose natural experts fell outside, and with every
 * expert kept is exactly the unbudgeted pass.
 */
class BudgetedVerificationTest {

    private static final CpuBackend backend = TestBackend.CPU;

    /** A 7-node tree after a 5-token prefix: root, three children, three grandchildren. */
    private static final int[] PARENTS = {-1, 0, 0, 0, 1, 1, 2};

    private record Pass(Logits logits, List<LayerRouting> routing) {
    }

    private static Pass verify(ModelRunner runner, int[] ids, ExpertBudget budget) {
        int prefix = 5;
        KvCache cache = runner.newKvCache(prefix + PARENTS.length);
        runner.forward(ForwardBatch.sequence(Arrays.copyOf(ids, prefix), 0, ForwardBatch.LogitRows.LAST), cache);
        int[] tokens = Arrays.copyOfRange(ids, prefix, prefix + PARENTS.length);
        int[] positions = new int[PARENTS.length];
        for (int i = 1; i < positions.length; i++) {
            positions[i] = positions[PARENTS[i]] + 1;
        }
        for (int i = 0; i < positions.length; i++) {
            positions[i] += prefix;
        }
        List<LayerRouting> routing = new ArrayList<>();
        ForwardBatch batch = new ForwardBatch(tokens, positions, AttentionMask.tree(PARENTS), ForwardBatch.LogitRows.ALL)
                .withBudget(budget, null);
        Logits logits = runner.forward(batch, cache, routing::add);
        return new Pass(logits, routing);
    }


    /**
     * Keeping every expert routes every token exactly as the unbudgeted pass does (same experts,
     * same weights, bit for bit) and so gives the same logits; those are compared to within
     * float32 reduction order, which the JIT may change between two runs of the same pass.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#MOE")
    void keepingEveryExpertIsExactlyTheUnbudgetedPass(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            int n = runner.config().moe().orElseThrow().numExperts();
            Pass full = verify(runner, GoldenCheckpoints.inputIds(name), ExpertBudget.UNLIMITED);
            for (CoveragePolicy policy : CoveragePolicy.values()) {
                for (ExpertBudget all : List.of(ExpertBudget.fixed(n, policy), ExpertBudget.coverage(1.0, policy))) {
                    Pass budgeted = verify(runner, GoldenCheckpoints.inputIds(name), all);
                    for (LayerRouting r : budgeted.routing()) {
                        assertThat(r.keptExperts()).hasSize(n);
                        for (int t = 0; t < r.tokens(); t++) {
                            assertThat(r.usedExpertIds(t)).as("%s %s layer %d", name, all, r.layer())
                                    .containsExactly(r.expertIds(t));
                            assertThat(r.usedWeights(t)).containsExactly(r.weights(t));
                        }
                    }
                    Logits a = full.logits();
                    Logits b = budgeted.logits();
                    for (int row = 0; row < a.rows(); row++) {
                        assertThat(b.argmax(row)).isEqualTo(a.argmax(row));
                        for (int v = 0; v < a.vocab(); v++) {
                            assertThat(b.get(row, v)).as("%s %s row %d token %d", name, all, row, v)
                                    .isCloseTo(a.get(row, v), within(1e-5f * Math.max(1, Math.abs(a.get(row, v)))));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#MOE")
    void aHalfBudgetLoadsAtMostHalfTheExpertsAndSubstitutesInsideTheKeptSet(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            var moe = runner.config().moe().orElseThrow();
            int half = Math.max(moe.expertsPerToken(), moe.numExperts() / 2);
            Pass pass = verify(runner, GoldenCheckpoints.inputIds(name), ExpertBudget.fixed(half, CoveragePolicy.SUBSTITUTE));
            assertThat(pass.routing()).isNotEmpty();
            for (LayerRouting r : pass.routing()) {
                assertThat(r.isBudgeted()).isTrue();
                assertThat(r.keptExperts()).hasSize(half);
                assertThat(r.distinctUsedExperts()).isLessThanOrEqualTo(half);
                for (int t = 0; t < r.tokens(); t++) {
                    for (int rank = 0; rank < r.topK(); rank++) {
                        assertThat(r.isKept(r.usedExpertId(t, rank))).isTrue();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#MOE")
    void truncationDropsTheExpertsOutsideTheBudgetAndChangesTheLogitsOnlyWhereItDropped(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            int k = runner.config().moe().orElseThrow().expertsPerToken();
            Pass full = verify(runner, GoldenCheckpoints.inputIds(name), ExpertBudget.UNLIMITED);
            Pass cut = verify(runner, GoldenCheckpoints.inputIds(name), ExpertBudget.fixed(k, CoveragePolicy.TRUNCATE));
            int dropped = 0;
            for (LayerRouting r : cut.routing()) {
                assertThat(r.keptExperts()).hasSize(k);
                for (int t = 0; t < r.tokens(); t++) {
                    for (int rank = 0; rank < r.topK(); rank++) {
                        int used = r.usedExpertId(t, rank);
                        if (used < 0) {
                            dropped++;
                            assertThat(r.isKept(r.expertId(t, rank))).isFalse();
                        } else {
                            assertThat(used).isEqualTo(r.expertId(t, rank));
                        }
                    }
                }
            }
            // Seven tokens routed freely rarely share one top-k set: a budget of k must drop something.
            assertThat(dropped).isPositive();
            assertThat(cut.logits().values()).isNotEqualTo(full.logits().values());
        }
    }
}
