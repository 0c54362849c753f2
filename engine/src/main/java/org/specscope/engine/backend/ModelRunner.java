package org.specscope.engine.backend;

import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.MoeProbe;

/**
 * One model ready for forward passes on one backend. A pass takes a batch of tokens (a prompt,
 * one decoded token, or a draft tree under a tree mask), appends their keys and values to the
 * cache, and returns logits for the rows asked for.
 */
public interface ModelRunner extends AutoCloseable {

    ModelConfig config();

    /** A key/value cache that holds up to {@code capacity} tokens. */
    KvCache newKvCache(int capacity);

    /**
     * Runs {@code batch} after the tokens already in {@code cache}; its tokens' keys and values
     * are appended to the cache. {@code probe} sees every MoE layer's routing; pass
     * {@link MoeProbe#NONE} when nobody listens, which costs nothing.
     */
    Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe);

    default Logits forward(ForwardBatch batch, KvCache cache) {
        return forward(batch, cache, MoeProbe.NONE);
    }

    /**
     * Runs {@code batch} as {@link #forward} does and returns the token {@code draw} picks from its
     * last row: what plain generation needs of a step. The host picks from the row here; a device
     * backend draws where the logits lie and copies back one token instead of a vocabulary row
     * (the same token: {@link TokenDraw#pick} is the reference it follows).
     */
    default int forwardAndDraw(ForwardBatch batch, KvCache cache, MoeProbe probe, TokenDraw draw) {
        return draw.pick(forward(batch, cache, probe).lastRow());
    }

    @Override
    void close();

    /** {@code cache} as a runner's own kind of cache; one from another backend is an argument error. */
    static <C extends KvCache> C ownCache(KvCache cache, Class<C> type) {
        if (!type.isInstance(cache)) {
            throw new IllegalArgumentException("a KV cache from another backend: " + cache.getClass().getName());
        }
        return type.cast(cache);
    }
}
