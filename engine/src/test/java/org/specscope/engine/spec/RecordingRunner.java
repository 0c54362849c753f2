package org.specscope.engine.spec;

import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.ForwardingRunner;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.moe.MoeProbe;

import java.util.ArrayList;
import java.util.List;

/** A runner that passes everything on and remembers the caches it made and the batches it ran. */
final class RecordingRunner extends ForwardingRunner {

    final List<KvCache> caches = new ArrayList<>();
    final List<ForwardBatch> batches = new ArrayList<>();

    RecordingRunner(ModelRunner delegate) {
        super(delegate);
    }

    @Override
    public KvCache newKvCache(int capacity) {
        KvCache cache = super.newKvCache(capacity);
        caches.add(cache);
        return cache;
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
        batches.add(batch);
        return super.forward(batch, cache, probe);
    }
}
