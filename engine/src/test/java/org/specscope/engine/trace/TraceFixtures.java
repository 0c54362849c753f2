package org.specscope.engine.trace;

import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Valid trace records drawn from a seeded generator: the same seed gives the same run. They
 * exercise what a real run writes and a format can get wrong: NaN utilities, unbudgeted, fixed
 * and coverage budgets, truncated experts (-1 ids), missing quality, floats that are not short
 * decimals (1/3, subnormals), and texts with quotes, commas, line breaks and non-ASCII.
 */
final class TraceFixtures {

    static final List<String> TEXTS = List.of("the", " cat", "", "\"quoted\"", "a,b", "line\nbreak", "tab\t", "\\",
            "é", "日本語", "🙂", " ", "\u0000", "</script>");

    private static final String[] STOP_REASONS = {"END_OF_SEQUENCE", "MAX_TOKENS", "CONTEXT_FULL", "CANCELLED"};

    private final Random random;

    TraceFixtures(long seed) {
        this.random = new Random(seed);
    }

    /** A run of {@code steps} consecutive steps, each starting where the last ended; finished or not. */
    RecordedRun run(int steps, boolean finished) {
        return run(steps, finished, 0);
    }

    /** A run whose every step has at least {@code minMoeLayers} MoE layers. */
    RecordedRun run(int steps, boolean finished, int minMoeLayers) {
        RunHeader header = header();
        List<StepTrace> trace = new ArrayList<>();
        long start = random.nextInt(1_000_000);
        List<Integer> generated = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps; i++) {
            StepTrace step = step(i, start, header, minMoeLayers);
            trace.add(step);
            step.emittedIds().stream().forEach(generated::add);
            text.append(step.emittedText());
            start += step.timings().totalNanos() + random.nextInt(1000);
        }
        RunEnd end = finished ? new RunEnd(STOP_REASONS[random.nextInt(STOP_REASONS.length)], steps,
                IntSeq.of(generated.stream().mapToInt(Integer::intValue).toArray()), text.toString(), start) : null;
        return new RecordedRun(header, trace, end);
    }

    RunHeader header() {
        int numExperts = pick(8, 16, 64, 128);
        int topK = Math.min(numExperts, pick(1, 2, 4, 8));
        return new RunHeader(RunHeader.SCHEMA, "Qwen3-30B-A3B-" + random.nextInt(100), "Qwen3MoeForCausalLM",
                1 + random.nextInt(48), numExperts, topK, random.nextBoolean(), 1L + random.nextInt(1 << 30),
                "EAGLE-3 " + text(), "cpu (2 threads)", random.nextBoolean() ? "wall" : "cost model",
                ints(1 + random.nextInt(20), 151_936), text() + text(), settings(), "2025-06-01T12:00:00Z");
    }

    Settings settings() {
        CoveragePolicy coverage = random.nextBoolean() ? CoveragePolicy.SUBSTITUTE : CoveragePolicy.TRUNCATE;
        ExpertBudget budget = switch (random.nextInt(3)) {
            case 0 -> ExpertBudget.UNLIMITED;
            case 1 -> ExpertBudget.fixed(1 + random.nextInt(64), coverage);
            default -> ExpertBudget.coverage(random.nextBoolean() ? 0.8 : Math.nextUp(random.nextDouble()), coverage);
        };
        TreeShape tree = switch (random.nextInt(3)) {
            case 0 -> TreeShape.NONE;
            case 1 -> TreeShape.chain(1 + random.nextInt(8));
            default -> TreeShape.EAGLE_DEFAULT;
        };
        SamplingParams sampling = random.nextBoolean() ? SamplingParams.greedy()
                : new SamplingParams(random.nextDouble() * 2, random.nextInt(100), Math.nextUp(random.nextDouble()),
                random.nextLong());
        return new Settings(budget, random.nextBoolean() ? ScoreWeighting.UNIFORM : ScoreWeighting.DEPTH_WEIGHTED, tree,
                random.nextBoolean(), sampling);
    }

    StepTrace step(int index, long startNanos, RunHeader header, int minMoeLayers) {
        Settings settings = random.nextInt(4) == 0 ? settings() : header.settings();
        TreeTrace tree = tree();
        List<LayerTrace> layers = new ArrayList<>();
        int moeLayers = minMoeLayers + random.nextInt(4);
        long expertBytes = 0;
        for (int l = 0; l < moeLayers; l++) {
            LayerTrace layer = layer(l, header, settings.budget(), tree.size());
            layers.add(layer);
            expertBytes += layer.expertBytes();
        }
        int emitted = tree.acceptedDrafts() + 1;
        IntSeq emittedIds = ints(emitted, 151_936);
        StringBuilder emittedText = new StringBuilder();
        for (int i = 0; i < emitted; i++) {
            emittedText.append(text());
        }
        StepTimings timings = new StepTimings(startNanos, random.nextInt(5_000_000), 1 + random.nextInt(50_000_000),
                random.nextInt(500_000));
        ControllerPhase phase = ControllerPhase.values()[random.nextInt(ControllerPhase.values().length)];
        double utility = random.nextInt(3) == 0 ? Double.NaN : random.nextDouble() * 3;
        ControllerState controller = new ControllerState(tree.depth(tree.size() - 1), phase, utility,
                random.nextInt(64), random.nextInt(3) == 0 ? 0 : random.nextInt(100_000_000));
        VerificationQuality quality = random.nextBoolean() ? null
                : quality(tree.size());
        return new StepTrace(index, settings, tree, layers, emittedIds, emittedText.toString(), timings, controller,
                expertBytes, expertBytes + random.nextInt(1 << 28), quality);
    }

    /** A random tree: node i's parent is an earlier node; the accepted path walks down from the root. */
    TreeTrace tree() {
        int n = 1 + random.nextInt(9);
        int[] parents = new int[n];
        parents[0] = -1;
        for (int i = 1; i < n; i++) {
            parents[i] = random.nextInt(i);
        }
        List<Integer> path = new ArrayList<>(List.of(0));
        for (int node = 0; ; ) {
            List<Integer> children = new ArrayList<>();
            for (int i = node + 1; i < n; i++) {
                if (parents[i] == node) {
                    children.add(i);
                }
            }
            if (children.isEmpty() || random.nextInt(4) == 0) {
                break;
            }
            node = children.get(random.nextInt(children.size()));
            path.add(node);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(text());
        }
        float[] q = probabilities(n);
        float[] p = probabilities(n);
        q[0] = 1;
        p[0] = 1;
        return new TreeTrace(ints(n, 151_936), texts, IntSeq.of(parents), FloatSeq.of(q), FloatSeq.of(p),
                ints(n, 151_936), IntSeq.of(path.stream().mapToInt(Integer::intValue).toArray()),
                random.nextInt(151_936), text());
    }

    /**
     * One layer's routing: each node's natural top-k; the kept set (all experts when unbudgeted);
     * the used experts, natural where kept, else a kept substitute or -1 under truncation.
     */
    LayerTrace layer(int index, RunHeader header, ExpertBudget budget, int nodes) {
        int experts = header.numExperts();
        int topK = header.topK();
        int[] natural = new int[nodes * topK];
        for (int node = 0; node < nodes; node++) {
            int[] order = permutation(experts);
            System.arraycopy(order, 0, natural, node * topK, topK);
        }
        int[] kept;
        if (budget.isUnlimited()) {
            kept = permutation(experts);
        } else {
            kept = Arrays.copyOf(permutation(experts), topK + random.nextInt(experts - topK + 1));
        }
        Arrays.sort(kept);
        IntSeq keptSeq = IntSeq.of(kept);
        int[] used = new int[natural.length];
        for (int node = 0; node < nodes; node++) {
            int next = 0;
            for (int r = 0; r < topK; r++) {
                int e = natural[node * topK + r];
                if (keptSeq.contains(e)) {
                    used[node * topK + r] = e;
                } else if (budget.coverage() == CoveragePolicy.TRUNCATE) {
                    used[node * topK + r] = -1;
                } else {
                    used[node * topK + r] = kept[next++ % kept.length];
                }
            }
        }
        return new LayerTrace(index, experts, topK, IntSeq.of(natural), FloatSeq.of(probabilities(natural.length)),
                IntSeq.of(used), FloatSeq.of(probabilities(used.length)), FloatSeq.of(probabilities(experts)),
                FloatSeq.of(probabilities(experts)), keptSeq, !budget.isUnlimited(), kept.length * header.expertBytes());
    }

    VerificationQuality quality(int nodes) {
        return new VerificationQuality(nodes, random.nextInt(nodes + 1), random.nextDouble() * nodes);
    }

    /** Mostly plain random floats, with values whose decimal is long or unusual mixed in. */
    float[] probabilities(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (random.nextInt(12)) {
                case 0 -> 1f / 3;
                case 1 -> Float.MIN_VALUE;
                case 2 -> 0.1f;
                case 3 -> Math.nextDown(1f);
                case 4 -> 1e-30f;
                case 5 -> 0f;
                default -> random.nextFloat();
            };
        }
        return v;
    }

    private IntSeq ints(int n, int bound) {
        return IntSeq.of(random.ints(n, 0, bound).toArray());
    }

    private int[] permutation(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private String text() {
        return TEXTS.get(random.nextInt(TEXTS.size()));
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }
}
