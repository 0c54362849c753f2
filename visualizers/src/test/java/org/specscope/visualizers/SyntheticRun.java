package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.trace.FloatSeq;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTimings;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;

/**
 * Steps of a model-sized run built from a seeded generator: {@code layers} MoE layers of
 * {@code experts} experts, top-k routing with a Zipf-like popularity per layer, a random tree of
 * {@code nodes} nodes, and a fixed budget of {@code budget} experts kept by mass with substitution.
 */
final class SyntheticRun {

    private final int layers;
    private final int experts;
    private final int topK;
    private final int nodes;
    private final int budget;
    private final Random random;
    private final double[][] popularity;

    SyntheticRun(int layers, int experts, int topK, int nodes, int budget, long seed) {
        this.layers = layers;
        this.experts = experts;
        this.topK = topK;
        this.nodes = nodes;
        this.budget = budget;
        this.random = new Random(seed);
        popularity = new double[layers][experts];
        for (int l = 0; l < layers; l++) {
            // a shuffled Zipf: logit bias log(1 / rank)
            List<Integer> ranks = new ArrayList<>(Traces.range(experts));
            java.util.Collections.shuffle(ranks, random);
            for (int e = 0; e < experts; e++) {
                popularity[l][e] = -Math.log(ranks.get(e) + 1.0);
            }
        }
    }

    List<StepTrace> steps(int count) {
        List<StepTrace> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(step(i));
        }
        return out;
    }

    StepTrace step(int index) {
        int[] parents = new int[nodes];
        List<String> texts = new ArrayList<>();
        float[] q = new float[nodes];
        parents[0] = -1;
        texts.add("t0");
        q[0] = 1;
        for (int i = 1; i < nodes; i++) {
            parents[i] = random.nextInt(Math.max(1, (i + 1) / 2)); // breadth first, a few levels deep
            texts.add(" t" + i);
            q[i] = 0.1f + 0.9f * random.nextFloat();
        }
        List<Integer> path = new ArrayList<>(List.of(0));
        for (int node = 0; ; ) {
            int child = -1;
            for (int i = node + 1; i < nodes; i++) {
                if (parents[i] == node) {
                    child = i;
                    break;
                }
            }
            if (child < 0 || random.nextDouble() < 0.3) {
                break;
            }
            path.add(child);
            node = child;
        }
        TreeTrace tree = Traces.tree(parents, texts, q, path.stream().mapToInt(Integer::intValue).toArray(), " b");
        List<LayerTrace> layerTraces = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            layerTraces.add(layer(l));
        }
        return new StepTrace(index, Traces.SETTINGS, tree, layerTraces, IntSeq.of(1), "x",
                new StepTimings(index * 1_000_000L, 100_000, 500_000, 10_000), ControllerState.fixed(nodes - 1), 0, 0,
                null);
    }

    private LayerTrace layer(int l) {
        int[] natural = new int[nodes * topK];
        float[] weights = new float[nodes * topK];
        float[] mass = new float[experts];
        double[][] probs = new double[nodes][experts];
        for (int i = 0; i < nodes; i++) {
            double[] p = probs[i];
            double sum = 0;
            for (int e = 0; e < experts; e++) {
                p[e] = Math.exp(popularity[l][e] + random.nextGaussian());
                sum += p[e];
            }
            for (int e = 0; e < experts; e++) {
                p[e] /= sum;
                mass[e] += (float) p[e];
            }
            int[] top = topOf(p, topK, null);
            for (int r = 0; r < topK; r++) {
                natural[i * topK + r] = top[r];
                weights[i * topK + r] = (float) p[top[r]];
            }
        }
        int[] kept = topOf(toDouble(mass), budget, null);
        Arrays.sort(kept);
        boolean[] isKept = new boolean[experts];
        for (int e : kept) {
            isKept[e] = true;
        }
        int[] used = new int[nodes * topK];
        float[] usedWeights = new float[nodes * topK];
        for (int i = 0; i < nodes; i++) {
            // substitution: the node's top-k inside the kept set
            int[] inside = topOf(probs[i], topK, isKept);
            for (int r = 0; r < topK; r++) {
                used[i * topK + r] = inside[r];
                usedWeights[i * topK + r] = (float) probs[i][inside[r]];
            }
        }
        return new LayerTrace(l, experts, topK, IntSeq.of(natural), FloatSeq.of(weights), IntSeq.of(used),
                FloatSeq.of(usedWeights), FloatSeq.of(mass), FloatSeq.of(mass), IntSeq.of(kept), true,
                4096L * budget);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The k largest entries' indices, descending, among {@code allowed} (all when null). */
    private static int[] topOf(double[] v, int k, boolean[] allowed) {
        int[] top = new int[k];
        boolean[] taken = new boolean[v.length];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int e = 0; e < v.length; e++) {
                if (!taken[e] && (allowed == null || allowed[e]) && (best < 0 || v[e] > v[best])) {
                    best = e;
                }
            }
            top[r] = best;
            taken[best] = true;
        }
        return top;
    }
}
