package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.session.Settings;
import org.specscope.engine.trace.FloatSeq;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTimings;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;

/**
 * A small hand-built run: 8 experts, top-2, two MoE layers keeping a fixed budget of experts.
 * Step 0 is the prefill (no drafts), step 1 a branching tree with two accepted drafts, step 2 a
 * chain with one accepted draft.
 */
final class Traces {

    static final int EXPERTS = 8;
    static final int TOP_K = 2;
    static final Settings SETTINGS = Settings.defaults().withBudget(
            org.specscope.engine.moe.ExpertBudget.fixed(4, CoveragePolicy.SUBSTITUTE));

    private Traces() {
    }

    static RunHeader header() {
        return new RunHeader(RunHeader.SCHEMA, "tiny-moe", "Qwen3MoeForCausalLM", 2, EXPERTS, TOP_K, true, 1024,
                "chain drafter", "cpu (2 threads)", "wall", IntSeq.of(1, 2, 3), "Say hello", SETTINGS,
                "2026-11-01T12:00:00Z");
    }

    static List<StepTrace> steps() {
        return List.of(prefill(), branching(), chain());
    }

    /** Step 0: the root only, the target's first token as the bonus. */
    static StepTrace prefill() {
        TreeTrace tree = tree(new int[] {-1}, List.of("hello"), new float[] {1}, new int[] {0}, "Hello");
        return step(0, tree, "Hello");
    }

    /**
     * Step 1: root "Hello"; 1 " cat" and 2 " dog" under it; 3 " sat" and 4 " ran" under 1; 5 " on"
     * under 3. Accepted 0-1-3, bonus " down"; the rejected branch below 3 is " on".
     */
    static StepTrace branching() {
        TreeTrace tree = tree(new int[] {-1, 0, 0, 1, 1, 3}, List.of("Hello", " cat", " dog", " sat", " ran", " on"),
                new float[] {1, 0.6f, 0.3f, 0.7f, 0.2f, 0.9f}, new int[] {0, 1, 3}, " down");
        return step(1, tree, " cat sat down");
    }

    /** Step 2: a chain " the" " road" " ." under " down"; accepted 0-1, bonus " street". */
    static StepTrace chain() {
        TreeTrace tree = tree(new int[] {-1, 0, 1, 2}, List.of(" down", " the", " road", " ."),
                new float[] {1, 0.8f, 0.5f, 0.4f}, new int[] {0, 1}, " street");
        return step(2, tree, " the street");
    }

    /**
     * A tall EAGLE-sized tree: a root and 127 drafts, 64 of them leaves (a complete binary tree 6
     * levels deep, its last leaf given one child), each labelled with its node number ("n17").
     * Accepted 0-1-3-7, bonus "bonus".
     */
    static StepTrace tall(int index) {
        int n = 128;
        int[] parents = new int[n];
        float[] q = new float[n];
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parents[i] = i == 0 ? -1 : i == n - 1 ? n - 2 : (i - 1) / 2;
            q[i] = i == 0 ? 1 : 0.5f;
            texts.add("n" + i);
        }
        TreeTrace tree = tree(parents, texts, q, new int[] {0, 1, 3, 7}, "bonus");
        return step(index, tree, "n1n3n7bonus");
    }

    static TreeTrace tree(int[] parents, List<String> texts, float[] q, int[] accepted, String bonus) {
        int n = parents.length;
        int[] tokens = new int[n];
        int[] top = new int[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = 100 + i;
            top[i] = 200 + i;
            p[i] = i == 0 ? 1 : q[i] * 0.9f;
        }
        return new TreeTrace(IntSeq.of(tokens), texts, IntSeq.of(parents), FloatSeq.of(q), FloatSeq.of(p),
                IntSeq.of(top), IntSeq.of(accepted), 999, bonus);
    }

    static StepTrace step(int index, TreeTrace tree, String emitted) {
        // MoE layers 1 and 3, as in a model whose layers 0 and 2 are dense: a view that mixes up a layer's
        // number and its position among the MoE layers fails here
        List<LayerTrace> layers = List.of(layer(1, tree.size(), 0, 1, 2, 3), layer(3, tree.size(), 2, 3, 4, 5));
        long bytes = layers.stream().mapToLong(LayerTrace::expertBytes).sum();
        int[] ids = new int[tree.acceptedDrafts() + 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 500 + i;
        }
        return new StepTrace(index, SETTINGS, tree, layers, IntSeq.of(ids), emitted,
                new StepTimings(index * 1_000_000L, 100_000, 500_000, 10_000),
                ControllerState.fixed(tree.size() - 1), bytes, bytes * 2, null);
    }

    /** Node i's natural experts are i mod 8 and (i + 3) mod 8; those outside {@code kept} are substituted. */
    static LayerTrace layer(int index, int nodes, int... kept) {
        int[] natural = new int[nodes * TOP_K];
        int[] used = new int[nodes * TOP_K];
        float[] weights = new float[nodes * TOP_K];
        IntSeq keptSeq = IntSeq.of(kept);
        for (int i = 0; i < nodes; i++) {
            natural[i * TOP_K] = i % EXPERTS;
            natural[i * TOP_K + 1] = (i + 3) % EXPERTS;
            for (int r = 0; r < TOP_K; r++) {
                int e = natural[i * TOP_K + r];
                used[i * TOP_K + r] = keptSeq.contains(e) ? e : kept[0];
                weights[i * TOP_K + r] = 0.5f;
            }
        }
        float[] mass = new float[EXPERTS];
        for (int e : natural) {
            mass[e] += 0.5f;
        }
        return new LayerTrace(index, EXPERTS, TOP_K, IntSeq.of(natural), FloatSeq.of(weights), IntSeq.of(used),
                FloatSeq.of(weights), FloatSeq.of(mass), FloatSeq.of(mass), keptSeq, true, 4096L * kept.length);
    }

    /** The natural experts of {@code node} missing over all layers of {@code step}, counted independently. */
    static int missing(StepTrace step, int node) {
        int missing = 0;
        for (LayerTrace l : step.layers()) {
            for (int e : new int[] {node % EXPERTS, (node + 3) % EXPERTS}) {
                if (!l.kept().contains(e)) {
                    missing++;
                }
            }
        }
        return missing;
    }

    static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
