package org.specscope.engine.backend.cuda;

import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;

/** Tree passes for the CUDA tests: nodes drawn from a prompt, placed after a cache of {@code at} tokens. */
final class TestTrees {

    /** A tree over {@code parents} (-1 for the root) after {@code at} cached tokens, node i taking prompt token 5i (cyclically). */
    static ForwardBatch fromPrompt(int[] parents, int[] prompt, int at) {
        int[] tokens = new int[parents.length];
        int[] positions = new int[parents.length];
        for (int i = 0; i < parents.length; i++) {
            tokens[i] = prompt[(i * 5) % prompt.length];
            positions[i] = parents[i] < 0 ? at : positions[parents[i]] + 1;
        }
        return new ForwardBatch(tokens, positions, AttentionMask.tree(parents), ForwardBatch.LogitRows.ALL);
    }

    private TestTrees() {
    }
}
