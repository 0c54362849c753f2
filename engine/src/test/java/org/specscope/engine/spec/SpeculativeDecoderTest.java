package org.specscope.engine.spec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.ForwardingRunner;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.CostModelClock;
import org.specscope.engine.control.DeviceProfile;
import org.specscope.engine.generate.GenerationResult;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.session.DecodingSetup.DrafterKind;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.session.Settings;
import org.specscope.engine.trace.FloatSeq;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTrace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The speculative decoding loop on the bundled sample models: lossless greedy output for chains
 * and trees with either drafter, the expert budget in every verification pass, settings applied
 * at step boundaries, and the trace each step leaves.
 */
class SpeculativeDecoderTest {

    private static final Path SAMPLES = SampleModelDirs.ROOT;
    private static final String PROMPT = "    public static String toString(int i, int radix) {\n";
    private static final int TOKENS = 40;

    private static DecodingSetup setup;
    private static int[] promptIds;
    private static int[] autoregressive;

    @BeforeAll
    static void open() {
        setup = DecodingSetup.open(new CpuBackend(2), SAMPLES.resolve("specscope-moe-mini"),
                Optional.of(SAMPLES.resolve("specscope-moe-mini-draft")));
        promptIds = setup.target().tokenizer().encode(PROMPT);
        GenerationResult r = new Generator(setup.targetRunner(), setup.target().eosTokenIds())
                .generate(promptIds, TOKENS, SamplingParams.greedy(), (i, id) -> { }, MoeProbe.NONE);
        autoregressive = r.generatedIds();
    }

    @AfterAll
    static void close() {
        setup.close();
    }

    private static int experts() {
        return setup.target().config().moe().orElseThrow().numExperts();
    }

    private record Run(List<StepTrace> steps, int[] ids, SpeculativeDecoder decoder) {
    }

    private static Run run(DrafterKind kind, Settings settings, Clock clock) {
        try (Drafter drafter = setup.newDrafter(kind, promptIds.length, TOKENS)) {
            SpeculativeDecoder decoder = setup.newDecoder(drafter, clock, CascadeConfig.PAPER);
            List<StepTrace> steps = new ArrayList<>();
            steps.add(decoder.prefill(promptIds, TOKENS, settings));
            while (!decoder.isFinished()) {
                steps.add(decoder.step(settings));
            }
            return new Run(steps, decoder.generatedIds(), decoder);
        }
    }

    static Stream<Object[]> losslessCases() {
        return Stream.of(
                new Object[]{DrafterKind.DRAFT_MODEL, TreeShape.chain(1)},
                new Object[]{DrafterKind.DRAFT_MODEL, TreeShape.chain(4)},
                new Object[]{DrafterKind.DRAFT_MODEL, new TreeShape(4, 3, 10)},
                new Object[]{DrafterKind.DRAFT_MODEL, new TreeShape(5, 4, 24)},
                new Object[]{DrafterKind.PROMPT_LOOKUP, TreeShape.chain(3)},
                new Object[]{DrafterKind.PROMPT_LOOKUP, new TreeShape(3, 2, 6)});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("losslessCases")
    void greedySpeculativeDecodingEmitsExactlyTheAutoregressiveTokens(DrafterKind kind, TreeShape shape) {
        Settings settings = Settings.defaults().withTree(shape);
        assertThat(run(kind, settings, Clock.WALL).ids()).containsExactly(autoregressive);
        Settings allExperts = settings.withBudget(ExpertBudget.fixed(experts(), CoveragePolicy.SUBSTITUTE));
        assertThat(run(kind, allExperts, Clock.WALL).ids()).as("B = N").containsExactly(autoregressive);
    }

    /**
     * Greedy verification asks the target only for each node's argmax (a device backend then copies
     * back ids, not rows of the vocabulary); sampling acceptance and the quality measurement ask for
     * the rows. The target here answers argmax-only passes as a device does, without rows, so a
     * pass that asked for too little fails.
     */
    @Test
    void greedyVerificationAsksOnlyForEachNodesArgmaxAndSamplingForTheRows() {
        List<ForwardBatch.LogitRows> asked = new ArrayList<>();
        ModelRunner deviceLike = new ForwardingRunner(setup.targetRunner()) {
            @Override
            public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
                Logits logits = super.forward(batch, cache, probe);
                asked.add(batch.logitRows());
                if (batch.logitRows() != ForwardBatch.LogitRows.ALL_ARGMAX) {
                    return logits;
                }
                int[] best = new int[logits.rows()];
                float[] parentProbs = new float[logits.rows()];
                int[] tokens = batch.tokens();
                for (int r = 0; r < best.length; r++) {
                    best[r] = logits.argmax(r);
                    parentProbs[r] = Float.NaN;
                    for (int j = r - 1; j >= 0; j--) {   // the nearest visible earlier node: the parent
                        if (batch.mask().isVisible(r, batch.mask().cachedNodes() + j)) {
                            parentProbs[r] = (float) TokenDistributions.softmax(logits.row(j))[tokens[r]];
                            break;
                        }
                    }
                }
                return Logits.argmaxOnly(logits.firstRow(), logits.vocab(), best, parentProbs);
            }
        };
        Settings greedy = Settings.defaults().withTree(new TreeShape(4, 3, 10));
        assertThat(decode(deviceLike, greedy, false)).containsExactly(autoregressive);
        assertThat(traceProbabilities(deviceLike, greedy)).as("the trace's target probabilities")
                .isEqualTo(traceProbabilities(setup.targetRunner(), greedy));
        assertThat(asked).contains(ForwardBatch.LogitRows.ALL_ARGMAX).doesNotContain(ForwardBatch.LogitRows.ALL);

        asked.clear();
        decode(deviceLike, greedy.withBudget(ExpertBudget.fixed(experts() / 2, CoveragePolicy.SUBSTITUTE)), true);
        assertThat(asked).as("the quality measurement compares rows").contains(ForwardBatch.LogitRows.ALL)
                .doesNotContain(ForwardBatch.LogitRows.ALL_ARGMAX);

        asked.clear();
        decode(deviceLike, greedy.withSampling(new SamplingParams(0.8, 0, 1.0, 7)), false);
        assertThat(asked).as("sampling acceptance reads the rows").contains(ForwardBatch.LogitRows.ALL)
                .doesNotContain(ForwardBatch.LogitRows.ALL_ARGMAX);
    }

    /** Every step's per-node target probabilities, as the trace records them. */
    private static List<FloatSeq> traceProbabilities(ModelRunner target, Settings settings) {
        List<FloatSeq> all = new ArrayList<>();
        try (Drafter drafter = setup.newDrafter(DrafterKind.DRAFT_MODEL, promptIds.length, TOKENS)) {
            SpeculativeDecoder decoder = decoderFor(target, drafter);
            decoder.prefill(promptIds, TOKENS, settings);
            while (!decoder.isFinished()) {
                all.add(decoder.step(settings).tree().targetProbs());
            }
        }
        return all;
    }

    /** setup.newDecoder's decoder, on another target runner. */
    private static SpeculativeDecoder decoderFor(ModelRunner target, Drafter drafter) {
        return new SpeculativeDecoder(target, setup.targetCost(), drafter, setup.target().tokenizer(),
                setup.target().eosTokenIds(), Clock.WALL, CascadeConfig.PAPER);
    }

    private static int[] decode(ModelRunner target, Settings settings, boolean measureQuality) {
        try (Drafter drafter = setup.newDrafter(DrafterKind.DRAFT_MODEL, promptIds.length, TOKENS)) {
            SpeculativeDecoder decoder = decoderFor(target, drafter);
            decoder.measureQuality(measureQuality);
            decoder.prefill(promptIds, TOKENS, settings);
            while (!decoder.isFinished()) {
                decoder.step(settings);
            }
            return decoder.generatedIds();
        }
    }

    @Test
    void everyStepEmitsItsAcceptedDraftsAndOneBonusToken() {
        Run r = run(DrafterKind.DRAFT_MODEL, Settings.defaults().withTree(new TreeShape(4, 3, 12)), Clock.WALL);
        int total = 0;
        for (StepTrace s : r.steps()) {
            total += s.emittedIds().size();
            if (s.step() > 0 && s.emittedIds().size() == s.acceptedDrafts() + 1) {
                for (int i = 0; i < s.acceptedDrafts(); i++) {
                    assertThat(s.emittedIds().get(i)).isEqualTo(s.tree().tokens().get(s.tree().acceptedPath().get(i + 1)));
                }
                assertThat(s.emittedIds().get(s.acceptedDrafts())).isEqualTo(s.tree().bonusToken());
            }
        }
        assertThat(total).isEqualTo(r.ids().length).isEqualTo(TOKENS);
        assertThat(r.steps().getFirst().layers()).as("the prefill is not budgeted nor traced per layer").isEmpty();
        // A trained draft agrees with its target often enough that some step accepts drafts.
        assertThat(r.steps().stream().mapToInt(StepTrace::acceptedDrafts).max().orElse(0)).isPositive();
    }

    @Test
    void aHalfBudgetKeepsHalfTheExpertsInEveryLayerAndReadsFewerExpertBytes() {
        TreeShape tree = new TreeShape(5, 4, 24);
        Run full = run(DrafterKind.DRAFT_MODEL, Settings.defaults().withTree(tree), Clock.WALL);
        Run half = run(DrafterKind.DRAFT_MODEL, Settings.defaults().withTree(tree)
                .withBudget(ExpertBudget.fixed(experts() / 2, CoveragePolicy.SUBSTITUTE)), Clock.WALL);
        for (StepTrace s : half.steps().subList(1, half.steps().size())) {
            assertThat(s.layers()).hasSize(setup.target().config().numLayers());
            for (LayerTrace l : s.layers()) {
                assertThat(l.budgeted()).isTrue();
                assertThat(l.kept().size()).isEqualTo(experts() / 2);
                assertThat(l.distinctUsed()).isLessThanOrEqualTo(experts() / 2);
                assertThat(l.nodes()).isEqualTo(s.tree().size());
            }
        }
        double fullBytes = full.steps().stream().skip(1).mapToLong(StepTrace::expertBytes).average().orElseThrow();
        double halfBytes = half.steps().stream().skip(1).mapToLong(StepTrace::expertBytes).average().orElseThrow();
        assertThat(halfBytes / fullBytes).isLessThan(0.75);
    }

    @Test
    void settingsChangedBetweenStepsApplyFromTheNextStep() {
        try (Drafter drafter = setup.newDrafter(DrafterKind.DRAFT_MODEL, promptIds.length, TOKENS)) {
            SpeculativeDecoder decoder = setup.newDecoder(drafter, Clock.WALL, CascadeConfig.PAPER);
            Settings wide = Settings.defaults().withTree(new TreeShape(3, 3, 9));
            decoder.prefill(promptIds, TOKENS, wide);
            StepTrace a = decoder.step(wide);
            Settings narrow = wide.withBudget(ExpertBudget.fixed(6, CoveragePolicy.TRUNCATE)).withTree(TreeShape.chain(2));
            StepTrace b = decoder.step(narrow);
            assertThat(a.layers().getFirst().kept().size()).isEqualTo(experts());
            assertThat(b.layers().getFirst().kept().size()).isEqualTo(6);
            assertThat(b.settings()).isEqualTo(narrow);
            assertThat(b.tree().size()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void cascadeChoosesTheDraftLengthAndReportsItsPhases() {
        Clock clock = new CostModelClock(DeviceProfile.parse("h100"));
        Run r = run(DrafterKind.DRAFT_MODEL, Settings.defaults().withTree(TreeShape.chain(4)).withCascade(true), clock);
        List<ControllerPhase> phases = r.steps().stream().skip(1).map(s -> s.controller().phase()).distinct().toList();
        assertThat(phases).contains(ControllerPhase.BASELINE, ControllerPhase.TEST);
        for (StepTrace s : r.steps().subList(1, r.steps().size())) {
            assertThat(s.tree().size() - 1).isLessThanOrEqualTo(s.controller().k());
        }
        assertThat(r.ids()).containsExactly(autoregressive);
    }

    @Test
    void aCostModelClockTimesTheRunByBytesAndFlopsOnly() {
        Run a = run(DrafterKind.DRAFT_MODEL, Settings.defaults(), new CostModelClock(DeviceProfile.parse("h100")));
        Run b = run(DrafterKind.DRAFT_MODEL, Settings.defaults(), new CostModelClock(DeviceProfile.parse("h100")));
        assertThat(a.decoder().decodeNanos()).isPositive().isEqualTo(b.decoder().decodeNanos());
    }

    @Test
    void qualityMeasurementComparesBudgetedLogitsWithTheFullPass() {
        try (Drafter drafter = setup.newDrafter(DrafterKind.DRAFT_MODEL, promptIds.length, TOKENS)) {
            SpeculativeDecoder decoder = setup.newDecoder(drafter, Clock.WALL, CascadeConfig.PAPER);
            decoder.measureQuality(true);
            Settings tight = Settings.defaults().withTree(new TreeShape(3, 3, 9))
                    .withBudget(ExpertBudget.fixed(4, CoveragePolicy.TRUNCATE));
            decoder.prefill(promptIds, TOKENS, tight);
            StepTrace s = decoder.step(tight);
            assertThat(s.quality()).isNotNull();
            assertThat(s.quality().nodes()).isEqualTo(s.tree().size());
            assertThat(s.quality().klSum()).isPositive();
        }
    }

    @Test
    void theGenerationStopsAtTheTokenLimitEvenInsideAnAcceptedPath() {
        try (Drafter drafter = setup.newDrafter(DrafterKind.DRAFT_MODEL, promptIds.length, 3)) {
            SpeculativeDecoder decoder = setup.newDecoder(drafter, Clock.WALL, CascadeConfig.PAPER);
            Settings settings = Settings.defaults().withTree(TreeShape.chain(6));
            decoder.prefill(promptIds, 3, settings);
            while (!decoder.isFinished()) {
                decoder.step(settings);
            }
            assertThat(decoder.generatedIds()).containsExactly(Arrays.copyOf(autoregressive, 3));
            assertThat(decoder.stopReason()).isEqualTo(GenerationResult.StopReason.MAX_TOKENS);
            assertThatThrownBy(() -> decoder.step(settings)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void samplingRunsAreReproducibleFromTheirSeed() {
        Settings sampled = Settings.defaults().withTree(new TreeShape(3, 2, 6))
                .withSampling(new SamplingParams(0.9, 0, 1, 11));
        int[] a = run(DrafterKind.DRAFT_MODEL, sampled, Clock.WALL).ids();
        int[] b = run(DrafterKind.DRAFT_MODEL, sampled, Clock.WALL).ids();
        int[] c = run(DrafterKind.DRAFT_MODEL, sampled.withSampling(new SamplingParams(0.9, 0, 1, 12)), Clock.WALL).ids();
        assertThat(a).hasSize(TOKENS).containsExactly(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void depthWeightedScoringCountsDeepUnlikelyNodesLess() {
        Settings settings = Settings.defaults().withTree(new TreeShape(4, 3, 12))
                .withBudget(ExpertBudget.fixed(8, CoveragePolicy.SUBSTITUTE))
                .withScoring(org.specscope.engine.moe.ScoreWeighting.DEPTH_WEIGHTED);
        StepTrace s = run(DrafterKind.DRAFT_MODEL, settings, Clock.WALL).steps().get(1);
        LayerTrace layer = s.layers().getFirst();
        // Uniform scores would sum to one per node; depth weights are at most 1 and below 1 past the root.
        assertThat(layer.scores().sum()).isLessThan(layer.mass().sum() - 0.5);
        assertThat(layer.mass().sum()).isCloseTo(s.tree().size(), org.assertj.core.api.Assertions.within(1e-3));
    }
}
