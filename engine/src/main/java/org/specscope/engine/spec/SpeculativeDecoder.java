package org.specscope.engine.spec;

import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.CascadeController;
import org.specscope.engine.control.Clock;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.control.DraftLengthPolicy;
import org.specscope.engine.generate.GenerationResult.StopReason;
import org.specscope.engine.generate.Sampler;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.tokenizer.TokenStreamDecoder;
import org.specscope.engine.model.tokenizer.Tokenizer;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.session.Settings;
import org.specscope.engine.trace.FloatSeq;
import org.specscope.engine.trace.IntSeq;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.StepTimings;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;
import org.specscope.engine.trace.VerificationQuality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One speculative generation, one iteration at a time: the drafter proposes a tree after the
 * pending token, the target verifies the whole tree in one pass under the expert budget,
 * acceptance walks the tree, the cache is compacted to the accepted path and the bonus token
 * becomes the next pending token. Each iteration returns its {@link StepTrace}.
 *
 * <p>Step 0 is the prefill: the prompt in one unbudgeted pass; its tree is the last prompt
 * token alone and its bonus the first generated token. Settings are passed to every step, so a
 * caller may change them between steps.
 */
public final class SpeculativeDecoder {

    /** The largest verification tree the cache leaves room for (MoE-Spec's trees have 63 nodes). */
    public static final int MAX_TREE_NODES = 256;

    private final ModelRunner target;
    private final PassCostModel cost;
    private final Drafter drafter;
    private final Tokenizer tokenizer;
    private final Set<Integer> eosTokenIds;
    private final Clock clock;
    private final CascadeConfig cascadeConfig;

    private KvCache cache;
    private int[] history = new int[0];   // prompt + generated; the last one is pending (not in the target's cache)
    private int promptLength;
    private int generated;
    private int maxTokens;
    private int steps;
    private StopReason stopReason;
    private long runStart;
    private long decodeNanos;
    private TokenStreamDecoder textDecoder;
    private SplittableRandom random;
    private long seed;
    private DraftLengthPolicy policy;
    private boolean policyIsCascade;
    private int policyMaxK = -1;
    private boolean measureQuality;
    private long excludedNanos;    // quality measurement time, kept off the run's time line

    public SpeculativeDecoder(ModelRunner target, PassCostModel cost, Drafter drafter, Tokenizer tokenizer,
                              Set<Integer> eosTokenIds, Clock clock, CascadeConfig cascadeConfig) {
        this.target = target;
        this.cost = cost;
        this.drafter = drafter;
        this.tokenizer = tokenizer;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
        this.clock = clock;
        this.cascadeConfig = cascadeConfig;
    }

    /**
     * Also runs every verification tree unbudgeted (before the budgeted pass) and records how far
     * the budgeted logits are from the full ones. Doubles the verification cost: for sweeps.
     */
    public void measureQuality(boolean on) {
        this.measureQuality = on;
    }

    /** Step 0: prefills the prompt and picks the first token. */
    public StepTrace prefill(int[] promptIds, int maxNewTokens, Settings settings) {
        if (cache != null) {
            throw new IllegalStateException("this decoder has already run a prompt; make a new one per generation");
        }
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: nothing to condition on (does the tokenizer add no BOS?)");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxNewTokens);
        }
        int contextLimit = target.config().maxPositionEmbeddings();
        if (promptIds.length >= contextLimit) {
            throw new IllegalArgumentException("the prompt has " + promptIds.length + " tokens; the model's context is "
                    + contextLimit);
        }
        maxTokens = maxNewTokens;
        promptLength = promptIds.length;
        cache = target.newKvCache((int) Math.min(contextLimit, (long) promptIds.length + maxNewTokens + MAX_TREE_NODES));
        textDecoder = tokenizer.streamDecoder();
        reseed(settings.sampling().seed());
        runStart = clock.nanoTime();

        long t0 = clock.nanoTime();
        List<LayerRouting> routing = new ArrayList<>();
        Logits logits = target.forward(ForwardBatch.sequence(promptIds, 0, ForwardBatch.LogitRows.LAST), cache,
                routing::add);
        PassCost prefillCost = cost.cost(promptIds.length, 1, promptIds.length, routing);
        clock.charge(prefillCost);
        // The drafter reads the prompt as part of the prefill, as a serving system would, so that
        // no speculative or baseline iteration pays for it.
        drafter.observe(promptIds);
        clock.charge(drafter.lastCost());
        long t1 = clock.nanoTime();
        float[] row = logits.lastRow();
        int first = Sampler.sample(row, settings.sampling(), random);
        history = Arrays.copyOf(promptIds, promptIds.length + 1);
        history[promptIds.length] = first;
        generated = 1;
        int last = promptIds[promptIds.length - 1];
        TreeTrace tree = new TreeTrace(IntSeq.of(last), List.of(tokenizer.decode(new int[]{last})), IntSeq.of(-1),
                FloatSeq.of(1f), FloatSeq.of(1f), IntSeq.of(Sampler.argmax(row)), IntSeq.of(0), first,
                tokenizer.decode(new int[]{first}));
        String text = textDecoder.push(first);
        checkStop(new int[]{first}, 0);
        long t2 = clock.nanoTime();
        return new StepTrace(steps++, settings, tree, List.of(), IntSeq.of(first), text,
                new StepTimings(t0 - runStart, 0, t1 - t0, t2 - t1), ControllerState.fixed(0), 0,
                prefillCost.weightBytes(), null);
    }

    /** One speculative iteration under {@code settings}. */
    public StepTrace step(Settings settings) {
        if (cache == null) {
            throw new IllegalStateException("prefill a prompt before stepping");
        }
        if (isFinished()) {
            throw new IllegalStateException("the generation has finished (" + stopReason + ")");
        }
        if (settings.sampling().seed() != seed) {
            reseed(settings.sampling().seed());
        }
        DraftLengthPolicy k = policyFor(settings);
        int draftLength = k.nextK();
        TreeShape shape = fitToCache(settings.cascade() ? settings.tree().withDepth(Math.min(draftLength,
                settings.tree().depth())) : settings.tree());
        SamplingParams sampling = settings.sampling();

        long t0 = clock.nanoTime();
        DraftTree tree;
        if (shape.drafts()) {
            // After K = 0 iterations the drafter reads what it missed in the same batched pass that
            // gives its root's logits (a stateful drafter catches up inside draft): on a memory-bound
            // device that costs about one draft pass, not one more. The iteration is measured whole,
            // so what the controller sees is what resuming speculation really costs.
            tree = drafter.draft(history, shape, sampling, random);
            clock.charge(drafter.lastCost());
        } else {
            tree = DraftTree.rootOnly(history[history.length - 1]);
        }
        long t1 = clock.nanoTime();

        int prefix = cache.length();
        ForwardBatch batch = verificationBatch(tree, prefix, settings);
        VerificationQuality quality = null;
        Logits full = null;
        long measuring = 0;
        if (measureQuality && !settings.budget().isUnlimited()) {
            // Not part of the iteration: left out of its time, and not charged to a cost-model clock.
            long q0 = clock.nanoTime();
            full = target.forward(batch.withBudget(ExpertBudget.UNLIMITED, null), cache);
            cache.truncate(prefix);
            measuring = clock.nanoTime() - q0;
        }
        List<LayerRouting> routing = new ArrayList<>();
        Logits logits = target.forward(batch, cache, routing::add);
        PassCost verifyCost = cost.cost(tree.size(), tree.size(), prefix + tree.size(), routing);
        clock.charge(verifyCost);
        long t2 = clock.nanoTime();
        if (measureQuality) {
            quality = full == null ? new VerificationQuality(tree.size(), tree.size(), 0) : compare(full, logits);
        }

        Acceptance acceptance = TreeVerifier.verify(tree, logits, sampling, random);
        int[] path = acceptance.path();
        int[] slots = new int[path.length];
        for (int i = 0; i < path.length; i++) {
            slots[i] = prefix + path[i];
        }
        cache.compact(prefix, slots);
        int[] emitted = checkStop(acceptance.emittedTokens(tree), generated);
        int before = history.length;
        history = Arrays.copyOf(history, before + emitted.length);
        System.arraycopy(emitted, 0, history, before, emitted.length);
        generated += emitted.length;
        StringBuilder text = new StringBuilder();
        for (int id : emitted) {
            text.append(textDecoder.push(id));
        }
        if (isFinished()) {
            text.append(textDecoder.flush());
        }
        long t3 = clock.nanoTime();
        k.record(draftLength, path.length, t3 - t0 - measuring);
        decodeNanos += t3 - t0 - measuring;

        long expertBytes = 0;
        List<LayerTrace> layers = new ArrayList<>(routing.size());
        for (LayerRouting r : routing) {
            LayerTrace layer = layerTrace(r);
            layers.add(layer);
            expertBytes += layer.expertBytes();
        }
        long start = t0 - runStart - excludedNanos;
        excludedNanos += measuring;
        ControllerState state = settings.cascade() ? k.state() : ControllerState.fixed(shape.depth());
        return new StepTrace(steps++, settings, treeTrace(tree, acceptance), layers, IntSeq.of(emitted),
                text.toString(), new StepTimings(start, t1 - t0, t2 - t1 - measuring, t3 - t2), state, expertBytes,
                verifyCost.weightBytes(), quality);
    }

    public boolean isFinished() {
        return stopReason != null;
    }

    /** Ends the generation early; {@link #step} refuses to run afterwards. */
    public void cancel() {
        if (stopReason == null) {
            stopReason = StopReason.CANCELLED;
        }
    }

    public StopReason stopReason() {
        return stopReason;
    }

    /** The generated tokens so far. */
    public int[] generatedIds() {
        return Arrays.copyOfRange(history, promptLength, history.length);
    }

    public int steps() {
        return steps;
    }

    /** Time spent in speculative iterations on the run's clock (the prefill not counted). */
    public long decodeNanos() {
        return decodeNanos;
    }

    public Clock clock() {
        return clock;
    }

    // ---- pieces of a step ------------------------------------------------------------------

    private ForwardBatch verificationBatch(DraftTree tree, int prefix, Settings settings) {
        int n = tree.size();
        int[] positions = new int[n];
        // Uniform scoring counts every token once: the budgeter's default, no weights needed.
        float[] weights = settings.scoring() == ScoreWeighting.UNIFORM ? null : new float[n];
        for (int i = 0; i < n; i++) {
            positions[i] = prefix + tree.depth(i);
            if (weights != null) {
                weights[i] = settings.scoring().weight(tree.depth(i), Math.exp(tree.logScore(i)));
            }
        }
        // Greedy acceptance reads only each node's argmax, unless the quality measurement compares rows.
        boolean rowsNeeded = !settings.sampling().isGreedy() || (measureQuality && !settings.budget().isUnlimited());
        return new ForwardBatch(tree.tokens(), positions, AttentionMask.tree(tree.parents()),
                rowsNeeded ? ForwardBatch.LogitRows.ALL : ForwardBatch.LogitRows.ALL_ARGMAX, settings.budget(), weights);
    }

    /** Keeps the tree within the room the cache and the token limit leave. */
    private TreeShape fitToCache(TreeShape shape) {
        int room = cache.capacity() - cache.length() - 1;
        int left = maxTokens - generated;   // the bonus token always comes on top of the drafts
        int depth = Math.min(shape.depth(), Math.max(0, Math.min(left - 1, room)));
        TreeShape fitted = depth == shape.depth() ? shape : shape.withDepth(depth);
        if (fitted.totalNodes() > Math.min(room, MAX_TREE_NODES - 1)) {
            int total = Math.max(fitted.depth(), Math.min(room, MAX_TREE_NODES - 1));
            fitted = fitted.depth() == 0 ? fitted : new TreeShape(fitted.depth(), fitted.topK(),
                    Math.min(total, fitted.totalNodes()));
        }
        return fitted;
    }

    /**
     * Cuts the emitted tokens at an end-of-sequence token or the token limit, and records why the
     * generation stops (also when the context is full).
     *
     * @param before tokens generated before these
     */
    private int[] checkStop(int[] emitted, int before) {
        int keep = emitted.length;
        for (int i = 0; i < emitted.length; i++) {
            if (eosTokenIds.contains(emitted[i])) {
                keep = i + 1;
                stopReason = StopReason.END_OF_SEQUENCE;
                break;
            }
        }
        int left = maxTokens - before;
        if (keep > left) {
            keep = left;
            stopReason = StopReason.MAX_TOKENS;
        } else if (keep == left && stopReason == null) {
            stopReason = StopReason.MAX_TOKENS;
        }
        if (stopReason == null && cache.capacity() - cache.length() < 1) {
            stopReason = StopReason.CONTEXT_FULL;   // no slot left for the pending token
        }
        return keep == emitted.length ? emitted : Arrays.copyOf(emitted, keep);
    }

    /** The fixed K or the Cascade controller the settings ask for; a controller survives while they do not change. */
    private DraftLengthPolicy policyFor(Settings settings) {
        int maxK = settings.tree().depth();
        if (policy == null || policyIsCascade != settings.cascade() || policyMaxK != maxK) {
            policy = settings.cascade() && maxK > 0 ? new CascadeController(cascadeConfig.withMaxK(maxK))
                    : DraftLengthPolicy.fixed(maxK);
            policyIsCascade = settings.cascade();
            policyMaxK = maxK;
        }
        return policy;
    }

    private void reseed(long newSeed) {
        seed = newSeed;
        random = new SplittableRandom(newSeed);
    }

    private TreeTrace treeTrace(DraftTree tree, Acceptance acceptance) {
        int n = tree.size();
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(tokenizer.decode(new int[]{tree.token(i)}));
        }
        return new TreeTrace(IntSeq.of(tree.tokens()), texts, IntSeq.of(tree.parents()), FloatSeq.of(tree.draftProbs()),
                FloatSeq.of(acceptance.targetProbs()), IntSeq.of(acceptance.targetTop()), IntSeq.of(acceptance.path()),
                acceptance.bonusToken(), tokenizer.decode(new int[]{acceptance.bonusToken()}));
    }

    private LayerTrace layerTrace(LayerRouting r) {
        int slots = r.tokens() * r.topK();
        int[] natural = new int[slots];
        float[] naturalW = new float[slots];
        int[] used = new int[slots];
        float[] usedW = new float[slots];
        for (int t = 0; t < r.tokens(); t++) {
            for (int j = 0; j < r.topK(); j++) {
                int i = t * r.topK() + j;
                natural[i] = r.expertId(t, j);
                naturalW[i] = r.weight(t, j);
                used[i] = r.usedExpertId(t, j);
                usedW[i] = r.usedWeight(t, j);
            }
        }
        FloatSeq mass = FloatSeq.of(r.expertMass());
        return new LayerTrace(r.layer(), r.numExperts(), r.topK(), IntSeq.of(natural), FloatSeq.of(naturalW),
                IntSeq.of(used), FloatSeq.of(usedW), mass, r.isBudgeted() ? FloatSeq.of(r.scores()) : mass,
                IntSeq.of(r.keptExperts()), r.isBudgeted(), (long) r.distinctUsedExperts() * cost.expertBytes(r.layer()));
    }

    /** Top-1 agreement and KL(full || budgeted) of the next-token distributions at every node. */
    static VerificationQuality compare(Logits full, Logits budgeted) {
        int agreements = 0;
        double kl = 0;
        for (int row = 0; row < full.rows(); row++) {
            if (full.argmax(row) == budgeted.argmax(row)) {
                agreements++;
            }
            kl += TokenDistributions.klDivergence(full.row(row), budgeted.row(row));
        }
        return new VerificationQuality(full.rows(), agreements, kl);
    }
}
