package org.specscope.engine.spec;

import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Drafts with a small model that shares the target's tokenizer (a dense or MoE checkpoint),
 * growing an EAGLE-2 dynamic tree: one draft pass per depth over that depth's frontier, then
 * the best nodes overall kept.
 *
 * <p>The drafter has its own KV cache. It remembers which context tokens it holds, so each call
 * runs only the tokens committed since the last one (accepted drafts, the bonus token) in one
 * causal pass. Tree nodes a pass expands are appended after the context under a
 * {@link AttentionMask#treeContinuation tree mask} and dropped again after drafting.
 *
 * <p>Sampled trees stay lossless under pruning. Multi-candidate rejection sampling
 * ({@link TreeVerifier}) is exact only if a node's kept children are the first m draws with m
 * decided without looking at what was drawn: a budget that kept a child because the token it
 * drew happened to be probable would skew the target distribution. So every candidate is ranked
 * by its <em>slot</em>: the i-th child of node n ranks as rank(n) + log of the i-th largest
 * probability of q_n, which depends on n's distribution but not on which token the i-th draw
 * produced. With greedy children the i-th child is the i-th most probable token, so the rank is
 * the cumulative log-probability, EAGLE-2's score; the recorded {@code logScore}s are always the
 * drawn path's log-probability.
 */
public final class ModelDrafter implements Drafter {

    private final String name;
    private final ModelRunner runner;
    private final KvCache cache;
    private final long weightBytesPerPass;
    private final long parametersPerToken;

    /** The context tokens held in the cache, slot by slot. */
    private int[] cached = new int[0];
    private PassCost lastCost = PassCost.ZERO;

    /**
     * @param draft           the draft checkpoint (for its name and its weights' size)
     * @param runner          {@code draft} loaded on a backend; the caller closes both
     * @param targetVocabSize the target's vocabulary: the draft proposes token ids the target reads
     * @param cacheCapacity   the draft KV cache's size: the longest context plus room for the
     *                        frontier nodes of the largest tree ({@link #cacheCapacity})
     */
    public ModelDrafter(Model draft, ModelRunner runner, int targetVocabSize, int cacheCapacity) {
        this("draft model " + draft.directory().getFileName(), runner, draft.weights().byteSize(),
                parametersPerToken(draft.weights(), draft.config().moe().map(m -> m.expertsPerToken()).orElse(0)),
                targetVocabSize, cacheCapacity);
    }

    /** A drafter over any runner (a synthetic one in tests), with its cost per pass given. */
    ModelDrafter(String name, ModelRunner runner, long weightBytesPerPass, long parametersPerToken, int targetVocabSize,
                 int cacheCapacity) {
        int draftVocab = runner.config().vocabSize();
        if (draftVocab != targetVocabSize) {
            throw new IllegalArgumentException("the draft model's vocabulary has " + draftVocab
                    + " tokens but the target's has " + targetVocabSize + ": they must share one tokenizer");
        }
        this.name = name;
        this.runner = runner;
        this.cache = runner.newKvCache(cacheCapacity);
        this.weightBytesPerPass = weightBytesPerPass;
        this.parametersPerToken = parametersPerToken;
    }

    /** The cache a drafter needs for contexts up to {@code maxContext} and trees up to {@code shape}. */
    public static int cacheCapacity(int maxContext, TreeShape shape) {
        return maxContext + frontierSlots(shape);
    }

    /** Tree nodes a draft keeps in the cache at once: the frontiers of depths 1..depth-1. */
    private static int frontierSlots(TreeShape shape) {
        return Math.max(0, shape.depth() - 1) * shape.topK();
    }

    /**
     * Parameters one token computes with: a dense model's all, an MoE model's with k routed
     * experts per layer. Flops are counted as 2 per parameter per token (the embedding lookup
     * included, for simplicity).
     */
    private static long parametersPerToken(ModelWeights weights, int expertsPerToken) {
        return expertsPerToken > 0 ? weights.activeParameterCount(expertsPerToken) : weights.parameterCount();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DraftTree draft(int[] context, TreeShape shape, SamplingParams sampling, SplittableRandom random) {
        lastCost = PassCost.ZERO;
        if (context.length + frontierSlots(shape) > cache.capacity()) {
            throw new IllegalStateException("a context of " + context.length + " tokens and a " + shape.describe()
                    + " tree need " + (context.length + frontierSlots(shape)) + " draft cache slots; the cache has "
                    + cache.capacity());
        }
        float[] rootLogits = catchUp(context, shape.drafts());
        int root = context[context.length - 1];
        if (!shape.drafts()) {
            return DraftTree.rootOnly(root);   // nothing to draft: caught up, as observe would
        }
        DraftCandidates candidates = grow(root, rootLogits, context.length - 1, shape, sampling, random);
        cache.truncate(context.length);   // the root stays cached; the tree's nodes go
        return candidates.keepBest(shape.totalNodes());
    }

    @Override
    public void observe(int[] context) {
        lastCost = PassCost.ZERO;
        catchUp(context, false);
    }

    @Override
    public PassCost lastCost() {
        return lastCost;
    }

    /**
     * Runs the context tokens the cache does not hold yet as one causal pass and returns the
     * last token's logits (null when nothing was asked for and nothing ran). Cached tokens that
     * no longer match the context (a rewind) are forgotten first; when the root's logits are
     * needed and it is already cached, it is run again.
     */
    private float[] catchUp(int[] context, boolean needRootLogits) {
        if (context.length == 0) {
            throw new IllegalArgumentException("an empty context: a draft continues at least one committed token");
        }
        int common = 0;
        while (common < cached.length && common < context.length && cached[common] == context[common]) {
            common++;
        }
        if (needRootLogits && common == context.length) {
            common--;
        }
        cache.truncate(common);
        cached = Arrays.copyOf(context, common);
        if (common == context.length) {
            return null;
        }
        int[] missing = Arrays.copyOfRange(context, common, context.length);
        Logits logits = run(ForwardBatch.sequence(missing, common, ForwardBatch.LogitRows.LAST));
        cached = context.clone();
        return logits.lastRow();
    }

    /**
     * EAGLE-2's expansion: at each depth every frontier node proposes topK children, the topK
     * best of them become the next frontier and run through the draft model in one pass.
     *
     * @param rootPosition the root's position: a depth-d node sits at rootPosition + d
     */
    private DraftCandidates grow(int root, float[] rootLogits, int rootPosition, TreeShape shape, SamplingParams sampling,
                                 SplittableRandom random) {
        DraftCandidates candidates = new DraftCandidates(root);
        List<Integer> frontier = List.of(0);
        List<float[]> frontierLogits = List.of(rootLogits);
        List<Integer> cachedNodes = new ArrayList<>();        // tree nodes in the cache, in slot order
        Map<Integer, Integer> cacheIndex = new HashMap<>();   // candidate -> index among cachedNodes
        for (int depth = 1; depth <= shape.depth(); depth++) {
            List<Integer> proposed = new ArrayList<>();
            for (int i = 0; i < frontier.size(); i++) {
                proposed.addAll(proposeChildren(candidates, frontier.get(i), frontierLogits.get(i), shape.topK(), sampling,
                        random));
            }
            if (depth == shape.depth() || proposed.isEmpty()) {
                break;
            }
            frontier = proposed.stream().sorted(candidates.bestFirst()).limit(shape.topK()).sorted().toList();
            frontierLogits = expand(candidates, frontier, cachedNodes, cacheIndex, rootPosition + depth);
        }
        return candidates;
    }

    /** A node's children from its draft distribution: the top-k tokens, or k draws without replacement. */
    private static List<Integer> proposeChildren(DraftCandidates candidates, int node, float[] logits, int k,
                                                 SamplingParams sampling, SplittableRandom random) {
        double[] q = TokenDistributions.of(logits, sampling);
        int[] slots = TokenDistributions.mostProbable(q, k);
        int[] tokens = sampling.isGreedy() ? slots : TokenDistributions.drawWithoutReplacement(q, slots.length, random);
        if (!sampling.isGreedy()) {
            candidates.setChildDistribution(node, toFloats(q));
        }
        List<Integer> added = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            double slotRank = candidates.rank(node) + Math.log(q[slots[i]]);
            added.add(candidates.add(node, tokens[i], (float) q[tokens[i]], slotRank));
        }
        return added;
    }

    /** Runs a new frontier after the cached tree nodes; returns each frontier node's logits. */
    private List<float[]> expand(DraftCandidates candidates, List<Integer> frontier, List<Integer> cachedNodes,
                                 Map<Integer, Integer> cacheIndex, int position) {
        int cachedCount = cachedNodes.size();
        int[] parents = new int[cachedCount + frontier.size()];
        for (int i = 0; i < cachedCount; i++) {
            parents[i] = treeParent(candidates, cachedNodes.get(i), cacheIndex);
        }
        int[] tokens = new int[frontier.size()];
        int[] positions = new int[frontier.size()];
        for (int i = 0; i < frontier.size(); i++) {
            int node = frontier.get(i);
            parents[cachedCount + i] = treeParent(candidates, node, cacheIndex);
            tokens[i] = candidates.token(node);
            positions[i] = position;
        }
        Logits logits = run(new ForwardBatch(tokens, positions, AttentionMask.treeContinuation(parents, cachedCount),
                ForwardBatch.LogitRows.ALL));
        List<float[]> rows = new ArrayList<>(frontier.size());
        for (int i = 0; i < frontier.size(); i++) {
            cacheIndex.put(frontier.get(i), cachedNodes.size());
            cachedNodes.add(frontier.get(i));
            rows.add(logits.row(i));
        }
        return rows;
    }

    /** A node's parent as the mask sees it: its index among the cached tree nodes, -1 for the root's children. */
    private static int treeParent(DraftCandidates candidates, int node, Map<Integer, Integer> cacheIndex) {
        int parent = candidates.parent(node);
        return parent == 0 ? -1 : cacheIndex.get(parent);
    }

    private Logits run(ForwardBatch batch) {
        Logits logits = runner.forward(batch, cache);
        // A pass streams every weight once (exact for a dense draft, an upper bound for an MoE one).
        lastCost = lastCost.plus(new PassCost(weightBytesPerPass, 2 * parametersPerToken * batch.size(), 1));
        return logits;
    }

    private static float[] toFloats(double[] q) {
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = (float) q[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
