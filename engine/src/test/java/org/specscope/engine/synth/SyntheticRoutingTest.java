package org.specscope.engine.synth;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Routing of synthetic checkpoints looks like trained routing: a 60-token stretch of text (what
 * one verification pass of a draft tree holds) touches a broad but incomplete set of the experts,
 * each token picks its own top-k, aggregate routing mass falls as rank^-S, and the RMSNorm scale
 * that the router weights were calibrated for is the one the model realises.
 */
class SyntheticRoutingTest {

    /** OLMoE's 64 experts, top-8, at a width of 128: a few MB, real expert counts. */
    static final SyntheticShape SHAPE = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.03, 2, 4096, 64);
    static final long SEED = 5;
    /** The stretch studied: tokens [FROM, TO) of the text, well into their context as tree nodes are. */
    static final int FROM = 200;
    static final int TO = 260;

    @TempDir
    static Path tmp;

    static int[] text;
    static List<LayerRouting> zipf;
    static List<LayerRouting> uniform;

    @BeforeAll
    static void routeTheSameTextThroughZipfAndUniformModels() throws IOException {
        String prose;
        try (Stream<Path> files = Files.list(SyntheticCheckpointTest.TOKENIZER.resolveSibling("prompts"))) {
            // varied text: a few lines of every domain, without the prompt separators
            prose = files.sorted().map(SyntheticRoutingTest::read)
                    .map(t -> t.lines().filter(l -> !l.startsWith("----")).limit(6).collect(Collectors.joining("\n")))
                    .collect(Collectors.joining("\n"));
        }
        zipf = route(new RouterSkew(1.0), prose, "zipf");
        uniform = route(RouterSkew.UNIFORM, prose, "uniform");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<LayerRouting> route(RouterSkew skew, String prose, String name) {
        Path dir = tmp.resolve(name);
        new SyntheticCheckpoint(SHAPE, DType.BF16, skew, SEED, SyntheticCheckpoint.DEFAULT_SHARD_BYTES)
                .write(dir, SyntheticCheckpointTest.TOKENIZER, SyntheticCheckpoint.Progress.NONE);
        List<LayerRouting> seen = new ArrayList<>();
        try (Model model = Model.open(dir); ModelRunner runner = TestBackend.CPU.load(model)) {
            text = Arrays.copyOf(model.tokenizer().encode(prose), TO);
            assertThat(text[TO - 1]).as("the text is long enough").isNotZero();
            runner.forward(ForwardBatch.sequence(text, 0, ForwardBatch.LogitRows.LAST), runner.newKvCache(TO), seen::add);
        }
        return seen;
    }

    @Test
    void sixtyTokensOfTextTouchABroadButIncompleteSetOfExperts() {
        // The MoE-Spec authors saw 25-66 of Qwen3's 128 experts in a 32-token tree; before the
        // routing subspace, these tokens all routed alike and touched 8-13 of 64.
        for (LayerRouting r : zipf) {
            assertThat(distinct(r, FROM, TO)).as("layer %d, zipf:1", r.layer()).isBetween(26, 60);
        }
        for (LayerRouting r : uniform) {
            assertThat(distinct(r, FROM, TO)).as("layer %d, uniform: broader", r.layer())
                    .isGreaterThanOrEqualTo(distinct(zipf.get(r.layer()), FROM, TO));
        }
    }

    @Test
    void eachTokenPicksItsOwnTopK() {
        for (LayerRouting r : zipf) {
            Set<Set<Integer>> sets = new HashSet<>();
            Set<Integer> tokens = new HashSet<>();
            double overlap = 0;
            int pairs = 0;
            for (int t = FROM; t < TO; t++) {
                tokens.add(text[t]);
                sets.add(Arrays.stream(r.expertIds(t)).boxed().collect(Collectors.toSet()));
                for (int u = FROM; u < t; u++) {
                    if (text[u] != text[t]) {
                        overlap += shared(r.expertIds(t), r.expertIds(u)) / (double) r.topK();
                        pairs++;
                    }
                }
            }
            assertThat(sets.size()).as("layer %d: distinct top-k sets", r.layer()).isGreaterThanOrEqualTo(tokens.size() - 2);
            assertThat(overlap / pairs).as("layer %d: mean share of top-k two different tokens have in common", r.layer())
                    .isBetween(0.1, 0.5);
        }
    }

    @Test
    void aTokensTopKHoldsASizeableButNotOverwhelmingShareOfItsRoutingMass() {
        for (LayerRouting r : zipf) {
            double mean = 0;
            for (int t = FROM; t < TO; t++) {
                float[] p = r.probs(t);
                for (int id : r.expertIds(t)) {
                    mean += p[id] / (TO - FROM);
                }
            }
            assertThat(mean).as("layer %d", r.layer()).isBetween(0.5, 0.85);
        }
    }

    @Test
    void routingMassFallsAsRankToTheMinusSAndUniformStaysFlat() {
        int top = SHAPE.numExperts() / 4;
        for (int layer = 0; layer < SHAPE.numLayers(); layer++) {
            double[] zipfMass = massByRank(zipf.get(layer));
            double[] uniformMass = massByRank(uniform.get(layer));
            assertThat(logLogSlope(zipfMass)).as("layer %d, zipf:1 slope", layer).isCloseTo(-1.0, within(0.25));
            assertThat(logLogSlope(uniformMass)).as("layer %d, uniform slope", layer).isCloseTo(0.0, within(0.2));
            assertThat(share(zipfMass, top)).as("layer %d, zipf:1 top quarter", layer).isBetween(0.55, 0.85);
            assertThat(share(uniformMass, top)).as("layer %d, uniform top quarter", layer).isBetween(0.18, 0.33);
            assertThat(Arrays.stream(zipfMass).min().orElseThrow() / Arrays.stream(zipfMass).sum())
                    .as("layer %d: the least popular expert still gets some mass", layer).isGreaterThan(0.001);
        }
    }

    @Test
    void theTokenDependentPartOfTheLogitsSpreadsAsCalibrated() {
        for (LayerRouting r : uniform) {
            int n = r.numExperts();
            double[] mean = new double[n];
            for (int t = FROM; t < TO; t++) {
                for (int e = 0; e < n; e++) {
                    mean[e] += r.routerLogit(t, e) / (TO - FROM);
                }
            }
            double squares = 0;
            for (int t = FROM; t < TO; t++) {
                for (int e = 0; e < n; e++) {
                    squares += Math.pow(r.routerLogit(t, e) - mean[e], 2);
                }
            }
            assertThat(Math.sqrt(squares / ((TO - FROM) * n))).as("layer %d", r.layer())
                    .isCloseTo(RouterSubspace.TOKEN_SPREAD, within(0.25));
        }
    }

    static final List<ModelPreset> PRESETS = ModelPreset.ALL;

    /**
     * The router weights assume the RMSNorm scale that variance propagation predicts; routers read
     * only the subspace, so a token's logits are exactly the realised scale times the router applied
     * to its embedding's subspace, and their ratio to the predicted one (kappa) is measurable.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void thePredictedNormScaleIsTheRealisedOneForTokensInContext(ModelPreset preset) {
        SyntheticShape shape = SyntheticShape.of(preset, 0.03, 3, 4096);
        Path dir = tmp.resolve("kappa-" + preset.name());
        new SyntheticCheckpoint(shape, DType.F32, new RouterSkew(1.0), SEED, SyntheticCheckpoint.DEFAULT_SHARD_BYTES)
                .write(dir, SyntheticCheckpointTest.TOKENIZER, SyntheticCheckpoint.Progress.NONE);
        RouterSubspace subspace = RouterSubspace.of(shape, SyntheticCheckpoint.INIT_STD);
        List<LayerRouting> seen = new ArrayList<>();
        try (Model model = Model.open(dir); ModelRunner runner = TestBackend.CPU.load(model)) {
            runner.forward(ForwardBatch.sequence(text, 0, ForwardBatch.LogitRows.LAST), runner.newKvCache(TO), seen::add);
            int h = shape.hiddenSize();
            Tensor embed = model.weights().embedTokens();
            for (LayerRouting r : seen) {
                Tensor router = model.weights().moe(r.layer()).orElseThrow().router();
                double sum = 0;
                for (int t = 64; t < TO; t++) {
                    double dot = 0;
                    double squares = 0;
                    for (int e = 0; e < r.numExperts(); e++) {
                        double unscaled = 0;
                        for (int c = 0; c < subspace.channels(); c++) {
                            unscaled += router.getFloat((long) e * h + c) * embed.getFloat((long) text[t] * h + c);
                        }
                        dot += r.routerLogit(t, e) * unscaled;
                        squares += unscaled * unscaled;
                    }
                    sum += dot / squares / subspace.normalisedScale(r.layer());
                }
                assertThat(sum / (TO - 64)).as("layer %d: realised / predicted scale", r.layer())
                        .isCloseTo(1.0, within(0.12));
            }
        }
    }

    @Test
    void popularityLogitsGiveTheZipfSlopeDespiteTheTokenDependentSpread() {
        assertThat(RouterSkew.UNIFORM.popularityLogits(8, RouterSubspace.TOKEN_SPREAD)).containsOnly(0.0);
        for (int experts : new int[]{8, 64}) {
            double[] logits = new RouterSkew(1.0).popularityLogits(experts, RouterSubspace.TOKEN_SPREAD);
            assertThat(logits[0]).isZero();
            assertThat(logits[experts - 1]).as("steeper than ln(1/rank)").isLessThan(-Math.log(experts));
            for (int rank = 1; rank < experts; rank++) {
                assertThat(logits[rank]).isLessThan(logits[rank - 1]);
            }
            // a fresh sample of tokens, not the calibration's: mean softmax mass by rank
            java.util.SplittableRandom random = new java.util.SplittableRandom(99);
            double[] mass = new double[experts];
            for (int t = 0; t < 20_000; t++) {
                double[] p = new double[experts];
                double sum = 0;
                for (int e = 0; e < experts; e++) {
                    p[e] = Math.exp(logits[e] + RouterSubspace.TOKEN_SPREAD * random.nextGaussian());
                    sum += p[e];
                }
                for (int e = 0; e < experts; e++) {
                    mass[e] += p[e] / sum;
                }
            }
            assertThat(logLogSlope(mass)).as("%d experts", experts).isCloseTo(-1.0, within(0.03));
        }
    }

    @Test
    void meanSquaredSiluMatchesItsLimits() {
        // silu(g) ~ g/2 for small g: E = var / 4; for large var silu(g) ~ max(g, 0): E = var / 2
        assertThat(RouterSubspace.meanSquaredSilu(1e-4)).isCloseTo(1e-4 / 4, within(1e-7));
        assertThat(RouterSubspace.meanSquaredSilu(1e4) / 1e4).isCloseTo(0.5, within(0.01));
    }

    private static int distinct(LayerRouting r, int from, int to) {
        Set<Integer> used = new HashSet<>();
        for (int t = from; t < to; t++) {
            for (int id : r.expertIds(t)) {
                used.add(id);
            }
        }
        return used.size();
    }

    private static int shared(int[] a, int[] b) {
        int n = 0;
        for (int x : a) {
            for (int y : b) {
                n += x == y ? 1 : 0;
            }
        }
        return n;
    }

    /** Routing mass of tokens [64, TO) on each expert, by its intended popularity rank. */
    private static double[] massByRank(LayerRouting r) {
        int[] order = RouterSkew.popularityOrder(SEED, r.layer(), r.numExperts());
        double[] out = new double[order.length];
        for (int t = 64; t < TO; t++) {
            float[] p = r.probs(t);
            for (int rank = 0; rank < order.length; rank++) {
                out[rank] += p[order[rank]];
            }
        }
        return out;
    }

    private static double share(double[] massByRank, int top) {
        return Arrays.stream(massByRank).limit(top).sum() / Arrays.stream(massByRank).sum();
    }

    /** Least-squares slope of ln(mass) against ln(rank). */
    private static double logLogSlope(double[] massByRank) {
        int n = massByRank.length;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double x = Math.log(i + 1);
            double y = Math.log(massByRank[i]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
}
