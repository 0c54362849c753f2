package org.specscope.engine.backend;

import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.MoeProbe;

/** A runner that passes every call on to another; tests override the calls they watch. */
public class ForwardingRunner implements ModelRunner {

    private final ModelRunner delegate;

    public ForwardingRunner(ModelRunner delegate) {
        this.delegate = delegate;
    }

    @Override
    public ModelConfig config() {
        return delegate.config();
    }

    @Override
    public KvCache newKvCache(int capacity) {
        return delegate.newKvCache(capacity);
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
        return delegate.forward(batch, cache, probe);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
