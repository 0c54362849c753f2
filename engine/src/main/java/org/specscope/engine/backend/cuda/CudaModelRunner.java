package org.specscope.engine.backend.cuda;

import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.MoeProbe;

/** Placeholder until the device forward pass lands. */
final class CudaModelRunner implements ModelRunner {
    private final ModelConfig c;

    CudaModelRunner(CudaContext context, Model model, UploadProgress progress) {
        this.c = model.config();
        throw new IllegalStateException("the CUDA forward pass is not written yet");
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public KvCache newKvCache(int capacity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
