package org.specscope.engine.spec;

import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.MoeProbe;

import java.util.ArrayList;
import java.util.List;

/** A runner that passes everything on and remembers the caches it made and the batches it ran. */
final class RecordingRunner implements ModelRunner {

    private final ModelRunner delegate;
    final List<KvCache> caches = new ArrayList<>();
    final List<ForwardBatch> batches = new ArrayList<>();

    RecordingRunner(ModelRunner delegate) {
        this.delegate = delegate;
    }

    @Override
    public ModelConfig config() {
        return delegate.config();
    }

    @Override
    public KvCache newKvCache(int capacity) {
        KvCache cache = delegate.newKvCache(capacity);
        caches.add(cache);
        return cache;
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
        batches.add(batch);
        return delegate.forward(batch, cache, probe);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
