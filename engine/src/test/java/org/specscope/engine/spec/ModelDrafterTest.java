package org.specscope.engine.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.specscope.engine.TestBackend;
import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.generate.GenerationListener;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.MoeProbe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelDrafterTest {

    private static final int[] CONTEXT = {1, 17, 42, 99, 256, 3, 77, 17, 42};
    private static final SamplingParams GREEDY = SamplingParams.greedy();
    private static final SamplingParams WARM = new SamplingParams(0.8, 0, 0.95, 0);
    private static final TreeShape TREE = new TreeShape(4, 3, 12);

    private static final CpuBackend backend = TestBackend.CPU;

    /** One draft checkpoint loaded, recorded, and a drafter over it. */
    private record Draft(Model model, RecordingRunner runner, ModelDrafter drafter) implements AutoCloseable {
        static Draft open(String checkpoint) {
            Model model = Model.open(GoldenCheckpoints.checkpoint(checkpoint));
            RecordingRunner runner = new RecordingRunner(backend.load(model));
            return new Draft(model, runner, new ModelDrafter(model, runner, model.config().vocabSize(),
                    ModelDrafter.cacheCapacity(64, TreeShape.EAGLE_DEFAULT)));
        }

        KvCache cache() {
            return runner.caches.getFirst();
        }

        @Override
        public void close() {
            drafter.close();
            runner.close();
            model.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3-tiny", "llama-tiny", "qwen3-moe-tiny"})
    void aGreedyChainIsTheDraftModelsOwnGreedyContinuation(String checkpoint) {
        try (Draft d = Draft.open(checkpoint)) {
            DraftTree chain = d.drafter.draft(CONTEXT, TreeShape.chain(6), GREEDY, new SplittableRandom(0));
            assertThat(drafts(chain)).containsExactly(greedy(d.runner, CONTEXT, 6));

            // The next step: two drafts accepted and a bonus token; then a rewind to an earlier context.
            int[] next = concat(CONTEXT, chain.token(1), chain.token(2), 5);
            assertThat(drafts(d.drafter.draft(next, TreeShape.chain(6), GREEDY, new SplittableRandom(0))))
                    .containsExactly(greedy(d.runner, next, 6));
            int[] rewound = concat(Arrays.copyOf(CONTEXT, 4), 300);
            assertThat(drafts(d.drafter.draft(rewound, TreeShape.chain(5), GREEDY, new SplittableRandom(0))))
                    .containsExactly(greedy(d.runner, rewound, 5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3-tiny", "qwen3-moe-tiny"})
    void everyNodesDraftProbabilityIsWhatACausalRunOfItsPathGives(String checkpoint) {
        try (Draft d = Draft.open(checkpoint)) {
            for (SamplingParams params : List.of(GREEDY, WARM)) {
                DraftTree tree = d.drafter.draft(CONTEXT, TREE, params, new SplittableRandom(3));
                assertThat(tree.draftCount()).isEqualTo(TREE.totalNodes());
                float[] pathScore = new float[tree.size()];
                for (int node = 1; node < tree.size(); node++) {
                    double[] q = TokenDistributions.of(lastLogits(d.runner, concat(CONTEXT, pathTo(tree, tree.parent(node)))),
                            params);
                    assertThat((double) tree.draftProb(node)).as("%s node %d", params, node)
                            .isCloseTo(q[tree.token(node)], within(1e-4));
                    pathScore[node] = pathScore[tree.parent(node)] + (float) Math.log(tree.draftProb(node));
                    assertThat(tree.logScore(node)).isCloseTo(pathScore[node], within(1e-4f));
                }
            }
        }
    }

    @Test
    void greedyChildrenAreTheMostProbableTokensBestFirst() {
        try (Draft d = Draft.open("qwen3-tiny")) {
            DraftTree tree = d.drafter.draft(CONTEXT, TREE, GREEDY, new SplittableRandom(0));
            for (int node = 0; node < tree.size(); node++) {
                int[] children = tree.children(node);
                if (children.length == 0) {
                    continue;
                }
                double[] q = TokenDistributions.softmax(lastLogits(d.runner, concat(CONTEXT, pathTo(tree, node))));
                int[] expected = TokenDistributions.mostProbable(q, children.length);
                assertThat(Arrays.stream(children).map(tree::token).toArray()).as("children of node %d", node)
                        .containsExactly(expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chain", "narrow", "eagle"})
    void theTreeKeepsTheNodeBudgetInBreadthFirstOrder(String shapeName) {
        TreeShape shape = switch (shapeName) {
            case "chain" -> TreeShape.chain(5);
            case "narrow" -> new TreeShape(3, 2, 5);
            default -> TreeShape.EAGLE_DEFAULT;
        };
        try (Draft d = Draft.open("qwen3-tiny")) {
            for (SamplingParams params : List.of(GREEDY, WARM)) {
                DraftTree tree = d.drafter.draft(CONTEXT, shape, params, new SplittableRandom(5));
                assertThat(tree.draftCount()).as("%s %s", shape.describe(), params).isEqualTo(shape.totalNodes());
                assertThat(tree.maxDepth()).isLessThanOrEqualTo(shape.depth());
                for (int node = 0; node < tree.size(); node++) {
                    assertThat(tree.children(node).length).isLessThanOrEqualTo(shape.topK());
                    if (node > 1) {
                        // Breadth-first: within a depth, children of earlier parents come first.
                        boolean sameDepth = tree.depth(node) == tree.depth(node - 1);
                        assertThat(!sameDepth || tree.parent(node - 1) <= tree.parent(node)).as("node %d", node).isTrue();
                    }
                    if (node > 0) {
                        assertThat(tree.logScore(node)).as("a child scores no better than its parent")
                                .isLessThanOrEqualTo(tree.logScore(tree.parent(node)));
                    }
                }
                if (params.isGreedy()) {
                    for (int node = 0; node < tree.size(); node++) {
                        int[] kids = tree.children(node);
                        for (int i = 1; i < kids.length; i++) {
                            assertThat(tree.draftProb(kids[i])).as("siblings best first")
                                    .isLessThanOrEqualTo(tree.draftProb(kids[i - 1]));
                        }
                    }
                } else {
                    assertThat(tree.childDistribution(0)).as("sampled children record their distribution").isNotNull();
                }
            }
        }
    }

    @Test
    void afterDraftingTheDraftCacheHoldsExactlyTheContext() {
        try (Draft d = Draft.open("qwen3-tiny")) {
            d.drafter.draft(CONTEXT, TreeShape.EAGLE_DEFAULT, GREEDY, new SplittableRandom(0));
            assertThat(d.cache().length()).isEqualTo(CONTEXT.length);
            d.drafter.draft(CONTEXT, TREE, WARM, new SplittableRandom(0));
            assertThat(d.cache().length()).isEqualTo(CONTEXT.length);
            int[] longer = concat(CONTEXT, 8, 9);
            d.drafter.observe(longer);
            assertThat(d.cache().length()).isEqualTo(longer.length);
            int[] longest = concat(longer, 10);
            assertThat(d.drafter.draft(longest, TreeShape.NONE, GREEDY, new SplittableRandom(0)).size())
                    .as("a depth-0 shape drafts nothing but keeps the drafter in step").isEqualTo(1);
            assertThat(d.cache().length()).isEqualTo(longest.length);
        }
    }

    @Test
    void eachCallRunsOnlyTheNewContextTokensThenOnePassPerExpandedDepth() {
        try (Draft d = Draft.open("qwen3-tiny")) {
            d.drafter.draft(CONTEXT, TREE, GREEDY, new SplittableRandom(0));
            assertThat(d.runner.batches.getFirst().size()).as("the first call runs the whole context").isEqualTo(CONTEXT.length);
            assertThat(d.drafter.lastCost().passes()).as("catch-up + depths 1..3 expanded").isEqualTo(TREE.depth());

            int[] next = concat(CONTEXT, 11, 12);
            d.runner.batches.clear();
            d.drafter.draft(next, TREE, GREEDY, new SplittableRandom(0));
            ForwardBatch catchUp = d.runner.batches.getFirst();
            assertThat(catchUp.tokens()).containsExactly(11, 12);
            assertThat(catchUp.positions()).containsExactly(CONTEXT.length, CONTEXT.length + 1);
            List<Integer> frontierSizes = new ArrayList<>();
            for (ForwardBatch b : d.runner.batches.subList(1, d.runner.batches.size())) {
                frontierSizes.add(b.size());
                assertThat(b.positions()).as("a depth's nodes share a position").containsOnly(b.position(0));
            }
            assertThat(frontierSizes).containsExactly(TREE.topK(), TREE.topK(), TREE.topK());

            int[] observed = concat(next, 13);
            d.drafter.observe(observed);
            assertThat(d.drafter.lastCost().passes()).isEqualTo(1);
            d.runner.batches.clear();
            d.drafter.draft(concat(observed, 14), TreeShape.chain(1), GREEDY, new SplittableRandom(0));
            assertThat(d.runner.batches).singleElement().satisfies(b -> assertThat(b.tokens()).containsExactly(14));

            long params = d.model.weights().parameterCount();
            assertThat(d.drafter.lastCost()).isEqualTo(new PassCost(d.model.weights().byteSize(), 2 * params, 1));
        }
    }

    @Test
    void samplingWithTheSameSeedDraftsTheSameTree() {
        try (Draft a = Draft.open("qwen3-tiny"); Draft b = Draft.open("qwen3-tiny")) {
            DraftTree first = a.drafter.draft(CONTEXT, TREE, WARM, new SplittableRandom(42));
            DraftTree second = b.drafter.draft(CONTEXT, TREE, WARM, new SplittableRandom(42));
            DraftTree other = b.drafter.draft(CONTEXT, TREE, WARM, new SplittableRandom(43));
            assertThat(second.tokens()).containsExactly(first.tokens());
            assertThat(second.parents()).containsExactly(first.parents());
            assertThat(second.draftProbs()).containsExactly(first.draftProbs());
            assertThat(other.tokens()).as("another seed draws other tokens").isNotEqualTo(first.tokens());
        }
    }

    @Test
    void theDraftVocabularyMustBeTheTargets() {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint("qwen3-tiny")); ModelRunner runner = backend.load(model)) {
            assertThatThrownBy(() -> new ModelDrafter(model, runner, 4096, 100))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512").hasMessageContaining("4096");
            assertThat(new ModelDrafter(model, runner, 512, 100).name()).isEqualTo("draft model qwen3-tiny");
        }
    }

    @Test
    void aContextThatLeavesNoRoomForTheTreeIsRefused() {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint("qwen3-tiny")); ModelRunner runner = backend.load(model)) {
            ModelDrafter drafter = new ModelDrafter(model, runner, 512, ModelDrafter.cacheCapacity(CONTEXT.length, TREE));
            assertThat(drafter.draft(CONTEXT, TREE, GREEDY, new SplittableRandom(0)).draftCount()).isEqualTo(TREE.totalNodes());
            assertThatThrownBy(() -> drafter.draft(concat(CONTEXT, 5), TREE, GREEDY, new SplittableRandom(0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("draft cache");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static int[] greedy(ModelRunner runner, int[] context, int n) {
        return new Generator(runner, Set.of()).generate(context, n, GREEDY, GenerationListener.NONE, MoeProbe.NONE)
                .generatedIds();
    }

    private static float[] lastLogits(ModelRunner runner, int[] sequence) {
        return runner.forward(ForwardBatch.sequence(sequence, 0, ForwardBatch.LogitRows.LAST),
                runner.newKvCache(sequence.length)).lastRow();
    }

    /** The draft tokens of a chain, root excluded. */
    private static int[] drafts(DraftTree chain) {
        return Arrays.copyOfRange(chain.tokens(), 1, chain.size());
    }

    /** The tokens from the root's first child down to {@code node} (empty for the root). */
    static int[] pathTo(DraftTree tree, int node) {
        List<Integer> path = new ArrayList<>();
        for (int n = node; n > 0; n = tree.parent(n)) {
            path.addFirst(tree.token(n));
        }
        return path.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] concat(int[] head, int... tail) {
        int[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
