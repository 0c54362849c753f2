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

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The cache operations speculative decoding relies on: growing a tree one depth per pass over
 * its cached nodes, and compacting the cache to the accepted path.
 */
class TreePassesTest {

    private static final CpuBackend backend = TestBackend.CPU;


    private static final int PREFIX = 5;
    //  root(0) -> a(1) -> c(3)
    //          -> b(2) -> d(4)
    private static final int[] PARENTS = {-1, 0, 0, 1, 2};
    private static final int[] POSITIONS = {PREFIX, PREFIX + 1, PREFIX + 1, PREFIX + 2, PREFIX + 2};

    private static KvCache prefilled(ModelRunner runner, int[] ids) {
        KvCache cache = runner.newKvCache(PREFIX + PARENTS.length + 2);
        runner.forward(ForwardBatch.sequence(Arrays.copyOf(ids, PREFIX), 0, ForwardBatch.LogitRows.LAST), cache);
        return cache;
    }

    private static int[] treeTokens(int[] ids) {
        return Arrays.copyOfRange(ids, PREFIX, PREFIX + PARENTS.length);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void aTreeGrownOneDepthPerPassOverItsCachedNodesEqualsTheWholeTreeInOnePass(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            int[] ids = GoldenCheckpoints.inputIds(name);
            int[] tokens = treeTokens(ids);
            Logits whole = runner.forward(new ForwardBatch(tokens, POSITIONS, AttentionMask.tree(PARENTS),
                    ForwardBatch.LogitRows.ALL), prefilled(runner, ids));

            KvCache cache = prefilled(runner, ids);
            runner.forward(new ForwardBatch(new int[]{tokens[0]}, new int[]{POSITIONS[0]}, AttentionMask.causal(1),
                    ForwardBatch.LogitRows.ALL), cache);
            runner.forward(new ForwardBatch(new int[]{tokens[1], tokens[2]}, new int[]{POSITIONS[1], POSITIONS[2]},
                    AttentionMask.treeContinuation(new int[]{-1, 0, 0}, 1), ForwardBatch.LogitRows.ALL), cache);
            Logits deepest = runner.forward(new ForwardBatch(new int[]{tokens[3], tokens[4]},
                    new int[]{POSITIONS[3], POSITIONS[4]}, AttentionMask.treeContinuation(PARENTS, 3),
                    ForwardBatch.LogitRows.ALL), cache);

            for (int row = 0; row < 2; row++) {
                float[] expected = whole.row(3 + row);
                for (int v = 0; v < expected.length; v++) {
                    assertThat(deepest.get(row, v)).as("%s node %d token %d", name, 3 + row, v)
                            .isCloseTo(expected[v], within(1e-4f * Math.max(1, Math.abs(expected[v]))));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void compactingToTheAcceptedPathLeavesTheCacheOfThePathAlone(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            int[] ids = GoldenCheckpoints.inputIds(name);
            int[] tokens = treeTokens(ids);
            KvCache cache = prefilled(runner, ids);
            runner.forward(new ForwardBatch(tokens, POSITIONS, AttentionMask.tree(PARENTS), ForwardBatch.LogitRows.ALL),
                    cache);
            // Accept root -> b -> d: slots PREFIX + {0, 2, 4}.
            cache.compact(PREFIX, new int[]{PREFIX, PREFIX + 2, PREFIX + 4});
            assertThat(cache.length()).isEqualTo(PREFIX + 3);
            int next = ids[PREFIX + PARENTS.length];
            float[] afterCompaction = runner.forward(ForwardBatch.sequence(new int[]{next}, cache.length(),
                    ForwardBatch.LogitRows.LAST), cache).lastRow();

            int[] path = {ids[0], ids[1], ids[2], ids[3], ids[4], tokens[0], tokens[2], tokens[4], next};
            float[] expected = runner.forward(ForwardBatch.sequence(path, 0, ForwardBatch.LogitRows.LAST),
                    runner.newKvCache(path.length)).lastRow();
            for (int v = 0; v < expected.length; v++) {
                assertThat(afterCompaction[v]).as("%s token %d", name, v)
                        .isCloseTo(expected[v], within(1e-4f * Math.max(1, Math.abs(expected[v]))));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("org.specscope.engine.GoldenCheckpoints#ALL")
    void compactionRefusesSlotsOutOfOrderOrBeyondTheCache(String name) {
        try (Model model = Model.open(GoldenCheckpoints.checkpoint(name)); ModelRunner runner = backend.load(model)) {
            KvCache cache = prefilled(runner, GoldenCheckpoints.inputIds(name));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.compact(2, new int[]{4, 3}))
                    .hasMessageContaining("ascend");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.compact(2, new int[]{PREFIX}))
                    .hasMessageContaining("ascend");
            assertThat(cache.length()).isEqualTo(PREFIX);
        }
    }
}
