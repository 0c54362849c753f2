package org.specscope.engine.generate;

import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.moe.MoeProbe;

import java.util.Arrays;
import java.util.Set;

/**
 * Plain autoregressive generation: one batched prefill of the prompt, then one forward pass per
 * token over the KV cache, until an end-of-sequence token, the token limit or a full context.
 */
public final class Generator {

    private final ModelRunner runner;
    private final Set<Integer> eosTokenIds;

    public Generator(ModelRunner runner, Set<Integer> eosTokenIds) {
        this.runner = runner;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
    }

    public GenerationResult generate(int[] promptIds, int maxTokens, SamplingParams params, GenerationListener listener,
                                     MoeProbe probe) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: nothing to condition on (does the tokenizer add no BOS?)");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
        int contextLimit = runner.config().maxPositionEmbeddings();
        if (promptIds.length > contextLimit) {
            throw new IllegalArgumentException("the prompt has " + promptIds.length + " tokens; the model's context is "
                    + contextLimit);
        }
        int capacity = Math.min(contextLimit, promptIds.length + maxTokens);
        KvCache cache = runner.newKvCache(capacity);
        Sampler sampler = new Sampler(params);
        int[] out = new int[maxTokens];
        int n = 0;
        GenerationResult.StopReason reason = GenerationResult.StopReason.MAX_TOKENS;
        long t0 = System.nanoTime();
        long prefill = 0;
        if (maxTokens > 0) {
            // Each pass returns only its drawn token: on a device the row never leaves it.
            int next = runner.forwardAndDraw(ForwardBatch.sequence(promptIds, 0, ForwardBatch.LogitRows.LAST), cache,
                    probe, sampler.nextDraw());
            prefill = System.nanoTime() - t0;
            while (true) {
                out[n] = next;
                listener.onToken(n, next);
                n++;
                if (eosTokenIds.contains(next)) {
                    reason = GenerationResult.StopReason.END_OF_SEQUENCE;
                    break;
                }
                if (n == maxTokens) {
                    break;
                }
                if (cache.length() == cache.capacity()) {
                    reason = GenerationResult.StopReason.CONTEXT_FULL;
                    break;
                }
                next = runner.forwardAndDraw(ForwardBatch.sequence(new int[]{next}, cache.length(),
                        ForwardBatch.LogitRows.LAST), cache, probe, sampler.nextDraw());
            }
        }
        long decode = System.nanoTime() - t0 - prefill;
        return new GenerationResult(promptIds, Arrays.copyOf(out, n), reason, prefill, decode);
    }
}
