package org.specscope.engine.spec;

import org.specscope.engine.GoldenCheckpoints;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.moe.MoeProbe;

/**
 * A synthetic model whose next-token logits depend on the current token only (a bigram table),
 * so distributions are known exactly. Its cache only counts slots: a bigram needs no keys.
 */
final class BigramRunner implements ModelRunner {

    private final float[][] logits;
    private final ModelConfig config;

    /** @param logits logits[token] = the logits of the token after {@code token} */
    BigramRunner(float[][] logits) {
        this.logits = logits;
        ModelConfig c = ModelConfig.load(GoldenCheckpoints.checkpoint("qwen3-tiny").resolve("config.json"));
        this.config = new ModelConfig(c.architecture(), logits.length, c.hiddenSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), c.headDim(), c.intermediateSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
                c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.qkvBias(), c.outputBias(), c.clipQkv(),
                c.slidingWindow(), c.moe(), c.torchDtype(), c.bosTokenId(), c.eosTokenIds());
    }

    /** Logits whose softmax is {@code distributions[token]}. */
    static float[][] logitsOf(double[][] distributions) {
        float[][] out = new float[distributions.length][];
        for (int t = 0; t < out.length; t++) {
            out[t] = new float[distributions[t].length];
            for (int v = 0; v < out[t].length; v++) {
                out[t][v] = (float) Math.log(distributions[t][v]);
            }
        }
        return out;
    }

    float[] row(int token) {
        return logits[token].clone();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public KvCache newKvCache(int capacity) {
        return new SlotCache(capacity);
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache cache, MoeProbe probe) {
        SlotCache slots = (SlotCache) cache;
        if (slots.length + batch.size() > slots.capacity) {
            throw new IllegalStateException("context full");
        }
        slots.length += batch.size();
        int first = batch.logitRows() == ForwardBatch.LogitRows.LAST ? batch.size() - 1 : 0;
        int vocab = logits.length;
        float[] values = new float[(batch.size() - first) * vocab];
        for (int t = first; t < batch.size(); t++) {
            System.arraycopy(logits[batch.token(t)], 0, values, (t - first) * vocab, vocab);
        }
        return new Logits(first, batch.size() - first, vocab, values);
    }

    @Override
    public void close() {
    }

    private static final class SlotCache implements KvCache {
        final int capacity;
        int length;

        SlotCache(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void truncate(int newLength) {
            if (newLength < 0 || newLength > length) {
                throw new IllegalArgumentException("truncate to " + newLength + " of " + length);
            }
            length = newLength;
        }

        @Override
        public void compact(int from, int[] keep) {
            KvCache.checkCompaction(from, keep, length);
            length = from + keep.length;
        }
    }
}
