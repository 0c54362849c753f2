package org.specscope.engine.bench;

import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.TokenDraw;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.spec.DraftTree;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.spec.PassCost;
import org.specscope.engine.spec.PassCostModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times a model's forward passes after one fixed context: rounds of decode steps at batch 1, and
 * verification passes of T tokens. Every run starts from the same cached context and leaves the
 * cache as it found it (the passes' keys and values are truncated away), so runs neither depend
 * on their order nor grow the context, and can be interleaved freely. Bytes read are counted by
 * {@link PassCostModel} from the routing each timed pass actually produced.
 */
public final class PassBenchmark {

    private final ModelRunner runner;
    private final PassCostModel cost;
    private final KvCache cache;
    private final int[] text;
    private final int context;
    private final int nextToken;

    private PassBenchmark(ModelRunner runner, PassCostModel cost, KvCache cache, int[] text, int context,
                          int nextToken) {
        this.runner = runner;
        this.cost = cost;
        this.cache = cache;
        this.text = text;
        this.context = context;
        this.nextToken = nextToken;
    }

    /**
     * Prefills {@code cache} (empty) with the first {@code contextTokens} tokens of {@code text},
     * repeated as often as needed; the tokens after them are what natural verification passes verify.
     */
    public static PassBenchmark afterContext(ModelRunner runner, PassCostModel cost, KvCache cache, int[] text,
                                             int contextTokens) {
        if (text.length == 0) {
            throw new IllegalArgumentException("the benchmark text has no tokens");
        }
        if (contextTokens < 1) {
            throw new IllegalArgumentException("the context needs at least 1 token, got " + contextTokens);
        }
        if (cache.length() != 0) {
            throw new IllegalArgumentException("the cache already holds " + cache.length() + " tokens");
        }
        int[] ids = new int[contextTokens];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = text[i % text.length];
        }
        Logits logits = runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.LAST), cache);
        return new PassBenchmark(runner, cost, cache, text.clone(), contextTokens, logits.argmax(logits.rows() - 1));
    }

    /** Tokens of context every pass runs after. */
    public int contextLength() {
        return context;
    }

    /**
     * Untimed: {@code decodeSteps} decode steps, then one pass of every size in {@code sizes} with
     * every routing, so that the code is compiled and the weights these passes read are mapped in
     * before anything is timed.
     */
    public void warmUp(int decodeSteps, List<Integer> sizes) {
        if (decodeSteps > 0) {
            decode(decodeSteps);
        }
        for (int size : sizes) {
            for (BatchRouting routing : BatchRouting.values()) {
                pass(size, routing);
            }
        }
    }

    /**
     * {@code tokens} decode steps after the context, greedy (each step's input is the previous
     * step's argmax, the first the context's), one token per pass as plain generation runs them.
     */
    public TimedPasses decode(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("decode needs at least 1 token, got " + tokens);
        }
        requireSlots(tokens);
        int token = nextToken;
        long nanos = 0;
        long bytes = 0;
        long flops = 0;
        double distinct = 0;
        for (int i = 0; i < tokens; i++) {
            List<LayerRouting> routing = new ArrayList<>();
            int position = cache.length();
            long t0 = System.nanoTime();
            // As generation runs a step: the token drawn where the logits lie (on a device, no row copied back).
            token = runner.forwardAndDraw(ForwardBatch.sequence(new int[]{token}, position, ForwardBatch.LogitRows.LAST),
                    cache, routing::add, TokenDraw.greedy());
            nanos += System.nanoTime() - t0;
            PassCost c = cost.cost(1, 1, position + 1, routing);
            bytes += c.weightBytes();
            flops += c.flops();
            distinct += meanDistinctExperts(routing);
        }
        cache.truncate(context);
        return new TimedPasses(nanos, bytes, flops, distinct / tokens);
    }

    /** One verification pass of {@code tokens} tokens after the context, with logits for every token. */
    public TimedPasses pass(int tokens, BatchRouting routing) {
        ForwardBatch batch = verificationBatch(tokens, routing);
        requireSlots(tokens);
        List<LayerRouting> used = new ArrayList<>();
        long t0 = System.nanoTime();
        runner.forward(batch, cache, used::add);
        long nanos = System.nanoTime() - t0;
        cache.truncate(context);
        // Keys each token attends to: a chain's last token sees all of the pass, a sibling only itself.
        int keys = context + (routing == BatchRouting.NATURAL ? tokens : 1);
        PassCost c = cost.cost(tokens, tokens, keys, used);
        return new TimedPasses(nanos, c.weightBytes(), c.flops(), meanDistinctExperts(used));
    }

    /**
     * A draft tree after the context, drafted greedily by {@code drafter} (the target drafting for
     * itself gives an EAGLE-shaped tree of tokens the target finds likely). Untimed; the tree's
     * root is the context's next token, as in a speculative step.
     */
    public DraftTree draftTree(Drafter drafter, TreeShape shape) {
        int[] ids = new int[context + 1];
        for (int i = 0; i < context; i++) {
            ids[i] = text[i % text.length];
        }
        ids[context] = nextToken;
        return drafter.draft(ids, shape, SamplingParams.greedy(), new SplittableRandom(0));
    }

    /**
     * {@code drafted}'s shape with the bench text's tokens after the context in its draft nodes
     * (breadth-first), the root kept. A model with random weights (a synthetic checkpoint) drafts
     * the same few tokens all over its tree, which reach few experts; a trained drafter's nodes are
     * plausible text, whose tokens reach experts as text does. This tree stands in for those.
     */
    public DraftTree withTextTokens(DraftTree drafted) {
        int[] tokens = drafted.tokens();
        for (int i = 1; i < tokens.length; i++) {
            tokens[i] = text[(context + i) % text.length];
        }
        return new DraftTree(tokens, drafted.parents(), drafted.draftProbs(), drafted.logScores(), null);
    }

    /**
     * One verification of {@code tree} after the context under {@code budget}, as a speculative
     * step runs it (node positions at context + depth, a tree mask, logits for every node).
     */
    public TreePass treePass(DraftTree tree, ExpertBudget budget) {
        ForwardBatch batch = treeBatch(tree, budget);
        requireSlots(tree.size());
        List<LayerRouting> used = new ArrayList<>();
        long t0 = System.nanoTime();
        runner.forward(batch, cache, used::add);
        long nanos = System.nanoTime() - t0;
        cache.truncate(context);
        // The deepest node attends to the context and its path: the most keys any node sees.
        PassCost c = cost.cost(tree.size(), tree.size(), context + tree.maxDepth() + 1, used);
        long expertBytes = 0;
        for (LayerRouting r : used) {
            expertBytes += r.distinctUsedExperts() * cost.expertBytes(r.layer());
        }
        return new TreePass(nanos, c.weightBytes(), expertBytes, c.flops(), meanDistinctExperts(used));
    }

    /** The batch {@link #treePass} runs (what SpeculativeDecoder sends for verification, uniform scoring). */
    public ForwardBatch treeBatch(DraftTree tree, ExpertBudget budget) {
        int[] positions = new int[tree.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = context + tree.depth(i);
        }
        return new ForwardBatch(tree.tokens(), positions, AttentionMask.tree(tree.parents()), ForwardBatch.LogitRows.ALL,
                budget, null);
    }

    /**
     * The batch a verification pass of {@code tokens} tokens runs: for {@link BatchRouting#NATURAL}
     * the text's next tokens as a causal chain; for {@link BatchRouting#SAME_EXPERTS} the text's
     * next token {@code tokens} times at the same position, each copy a child of the context only.
     */
    public ForwardBatch verificationBatch(int tokens, BatchRouting routing) {
        if (tokens < 1) {
            throw new IllegalArgumentException("a verification pass needs at least 1 token, got " + tokens);
        }
        return switch (routing) {
            case NATURAL -> {
                int[] ids = new int[tokens];
                for (int i = 0; i < tokens; i++) {
                    ids[i] = text[(context + i) % text.length];
                }
                yield ForwardBatch.sequence(ids, context, ForwardBatch.LogitRows.ALL);
            }
            case SAME_EXPERTS -> {
                int[] ids = new int[tokens];
                Arrays.fill(ids, text[context % text.length]);
                int[] positions = new int[tokens];
                Arrays.fill(positions, context);
                int[] parents = new int[tokens];
                Arrays.fill(parents, -1);
                yield new ForwardBatch(ids, positions, AttentionMask.tree(parents), ForwardBatch.LogitRows.ALL);
            }
        };
    }

    private void requireSlots(int slots) {
        if (context + slots > cache.capacity()) {
            throw new IllegalArgumentException(slots + " tokens after a " + context + "-token context exceed the "
                    + cache.capacity() + "-token KV cache");
        }
    }

    /** Distinct experts run per MoE layer, averaged over the pass's MoE layers (0 without any). */
    private static double meanDistinctExperts(List<LayerRouting> routing) {
        return routing.stream().mapToInt(LayerRouting::distinctUsedExperts).average().orElse(0);
    }
}
