package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.ForwardingRunner;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.spec.DraftTree;
import org.specscope.engine.spec.ModelDrafter;
import org.specscope.engine.spec.PassCostModel;
import org.specscope.engine.spec.TreeShape;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The tree row on a small OLMoE checkpoint on the CPU: one self-drafted 64-node tree, unbudgeted and at B = N/2. */
class TreeRowTest {

    private static final int[] TEXT = IntStream.range(0, 30).map(i -> 10 + 13 * i % 400).toArray();
    private static final int CONTEXT = 6;

    /** Passes everything on and remembers the batches it ran. */
    private static final class Recording extends ForwardingRunner {
        final List<ForwardBatch> batches = new ArrayList<>();

        Recording(ModelRunner delegate) {
            super(delegate);
        }

        @Override
        public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
            batches.add(batch);
            return super.forward(batch, cache, probe);
        }
    }

    @Test
    void bothPassesVerifyTheSameTreeInEveryRoundAndTheBudgetedOneReadsFewerExpertBytes() {
        BenchPlan plan = new BenchPlan(2, 0, List.of(2), 3, 1 << 16, 2);
        try (Model m = Model.open(GoldenCheckpoints.checkpoint("olmoe-tiny"));
             ModelRunner plain = TestBackend.CPU.load(m)) {
            int experts = m.config().moe().orElseThrow().numExperts();
            Recording runner = new Recording(plain);
            KvCache cache = runner.newKvCache(CONTEXT + 64);
            PassBenchmark passes = PassBenchmark.afterContext(runner, PassCostModel.of(m), cache, TEXT, CONTEXT);
            TreeShape shape = new TreeShape(6, 8, 63);
            DraftTree tree = passes.draftTree(new ModelDrafter(m, plain, m.config().vocabSize(),
                    ModelDrafter.cacheCapacity(CONTEXT + 1, shape)), shape);
            assertThat(tree.size()).isEqualTo(64);
            ExpertBudget half = ExpertBudget.fixed(experts / 2, CoveragePolicy.SUBSTITUTE);
            runner.batches.clear();

            BenchReport r = Benchmark.run(passes, plan, m.weights().byteSize(),
                    new BenchExtras(java.util.Optional.empty(), java.util.OptionalLong.empty(),
                            java.util.Optional.of(new TreeCase(tree, shape.describe(), half, experts))), line -> { });

            TreeMeasurement t = r.tree().orElseThrow();
            assertThat(t.nodes()).isEqualTo(64);
            assertThat(t.numExperts()).isEqualTo(16);
            assertThat(t.unbudgeted().repeats()).isEqualTo(3);
            assertThat(t.budgeted().repeats()).isEqualTo(3);
            assertThat(t.unbudgeted().label()).isEqualTo("unbudgeted");
            assertThat(t.budgeted().label()).isEqualTo("B=8 substitute");
            assertThat(t.budgeted().meanDistinctExperts()).isLessThanOrEqualTo(8);
            assertThat(t.unbudgeted().meanDistinctExperts()).isGreaterThan(8);
            assertThat(t.budgeted().expertBytes()).isPositive().isLessThan(t.unbudgeted().expertBytes());
            assertThat(t.budgeted().weightBytes()).isLessThan(t.unbudgeted().weightBytes());
            assertThat(t.timeRatio()).isPositive().isFinite();

            List<ForwardBatch> treeBatches = runner.batches.stream().filter(b -> b.size() == 64).toList();
            assertThat(treeBatches).as("warm-up once each, then two per round").hasSize(2 + 2 * 3);
            assertThat(treeBatches).allSatisfy(b -> {
                assertThat(b.tokens()).isEqualTo(tree.tokens());
                assertThat(b.positions()).isEqualTo(treeBatches.getFirst().positions());
                assertThat(b.position(0)).isEqualTo(CONTEXT);
            });
            assertThat(treeBatches).filteredOn(b -> b.budget().isUnlimited()).hasSize(4);
            assertThat(treeBatches).filteredOn(b -> b.budget().equals(half)).hasSize(4);
            assertThat(cache.length()).as("the context, restored").isEqualTo(CONTEXT);
        }
    }

    @Test
    void theTextTreeKeepsTheDraftedShapeAndRootAndTakesTheTextAfterTheContext() {
        try (Model m = Model.open(GoldenCheckpoints.checkpoint("olmoe-tiny"));
             ModelRunner runner = TestBackend.CPU.load(m)) {
            KvCache cache = runner.newKvCache(CONTEXT + 64);
            PassBenchmark passes = PassBenchmark.afterContext(runner, PassCostModel.of(m), cache, TEXT, CONTEXT);
            TreeShape shape = new TreeShape(6, 8, 63);
            DraftTree drafted = passes.draftTree(new ModelDrafter(m, runner, m.config().vocabSize(),
                    ModelDrafter.cacheCapacity(CONTEXT + 1, shape)), shape);
            DraftTree text = passes.withTextTokens(drafted);
            assertThat(text.parents()).containsExactly(drafted.parents());
            assertThat(text.token(0)).as("the root: the context's next token").isEqualTo(drafted.token(0));
            for (int i = 1; i < text.size(); i++) {
                assertThat(text.token(i)).as("node %d", i).isEqualTo(TEXT[(CONTEXT + i) % TEXT.length]);
            }
        }
    }
}
