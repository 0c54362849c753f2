package org.specscope.engine.backend.cpu;

import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Architecture.QkNorm;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.model.ModelWeights;
import org.specscope.engine.model.ModelWeights.Attention;
import org.specscope.engine.model.ModelWeights.Dense;
import org.specscope.engine.model.ModelWeights.LayerWeights;
import org.specscope.engine.model.ModelWeights.Moe;
import org.specscope.engine.model.ModelWeights.SwiGlu;
import org.specscope.engine.moe.ExpertBudgeter;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.moe.TopKRouter;
import org.specscope.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * The forward pass on the CPU, one readable method per block of the decoder. Activations are
 * float32 rows [tokens x width]; weights are read in their stored dtype from the mapped file.
 */
final class CpuModelRunner implements ModelRunner {

    private final ModelConfig c;
    private final ModelWeights w;
    private final ParallelRunner par;
    private final TopKRouter router;
    private final double[] invFreq;
    private final float attentionScale;
    private final float[] finalNorm;
    private final SmallLayerTensors[] small;
    private final CpuWorkspace ws;

    /** Norm weights and biases of one layer, widened to float once (they are tiny). */
    private record SmallLayerTensors(float[] inputNorm, float[] postAttentionNorm, float[] qBias, float[] kBias,
                                     float[] vBias, float[] oBias, float[] qNorm, float[] kNorm, float[] sharedGate) {
    }

    CpuModelRunner(ModelConfig config, ModelWeights weights, ParallelRunner par) {
        this.c = config;
        this.w = weights;
        this.par = par;
        this.router = config.moe().map(m -> new TopKRouter(m.numExperts(), m.expertsPerToken(), m.normalizeTopK()))
                .orElse(null);
        this.invFreq = new double[config.headDim() / 2];
        for (int i = 0; i < invFreq.length; i++) {
            double base = Math.pow(config.ropeTheta(), -(2.0 * i) / config.headDim());
            invFreq[i] = config.ropeScaling().scale(base);
        }
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.finalNorm = MatMul.toFloats(weights.finalNorm());
        this.small = new SmallLayerTensors[config.numLayers()];
        for (int l = 0; l < small.length; l++) {
            LayerWeights lw = weights.layers().get(l);
            Attention a = lw.attention();
            Tensor sharedGate = lw.ffn() instanceof Moe m ? m.sharedGate() : null;
            small[l] = new SmallLayerTensors(MatMul.toFloats(lw.inputNorm()), MatMul.toFloats(lw.postAttentionNorm()),
                    MatMul.toFloats(a.qBias()), MatMul.toFloats(a.kBias()), MatMul.toFloats(a.vBias()),
                    MatMul.toFloats(a.oBias()), MatMul.toFloats(a.qNorm()), MatMul.toFloats(a.kNorm()),
                    MatMul.toFloats(sharedGate));
        }
        this.ws = new CpuWorkspace(config, widestFeedForward(weights), par.threads());
    }

    /** The widest SwiGLU hidden layer of the model (dense, expert or shared), for the scratch rows. */
    private static int widestFeedForward(ModelWeights weights) {
        int widest = 0;
        for (LayerWeights lw : weights.layers()) {
            switch (lw.ffn()) {
                case Dense dense -> widest = Math.max(widest, (int) dense.mlp().gate().dim(0));
                case Moe moe -> {
                    for (SwiGlu e : moe.experts()) {
                        widest = Math.max(widest, (int) e.gate().dim(0));
                    }
                    if (moe.sharedExpert() != null) {
                        widest = Math.max(widest, (int) moe.sharedExpert().gate().dim(0));
                    }
                }
            }
        }
        return widest;
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public KvCache newKvCache(int capacity) {
        return new CpuKvCache(c.numLayers(), capacity, c.kvDim());
    }

    @Override
    public Logits forward(ForwardBatch batch, KvCache kvCache, MoeProbe probe) {
        CpuKvCache cache = ModelRunner.ownCache(kvCache, CpuKvCache.class);
        int tokens = batch.size();
        int start = cache.startOfPass(tokens);
        batch.checkVocabulary(c.vocabSize());
        int d = c.hiddenSize();
        ws.ensureTokens(tokens);
        ws.ensureContext(start + tokens);
        float[] x = ws.x;
        for (int t = 0; t < tokens; t++) {
            MatMul.loadRow(w.embedTokens(), batch.token(t), d, x, t * d);
        }
        cache.stagePositions(start, batch.positions());

        float[] normed = ws.normed;
        float[] delta = ws.delta;
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights lw = w.layers().get(l);
            SmallLayerTensors s = small[l];
            rmsNorm(x, tokens, d, s.inputNorm(), normed);
            attention(l, lw.attention(), s, normed, batch, cache, start, delta);
            addInPlace(x, delta, tokens * d);
            rmsNorm(x, tokens, d, s.postAttentionNorm(), normed);
            switch (lw.ffn()) {
                case Dense dense -> swiGlu(dense.mlp(), normed, tokens, delta);
                case Moe moe -> moe(l, moe, s, normed, batch, delta, probe);
            }
            addInPlace(x, delta, tokens * d);
        }
        cache.commit(start + tokens);
        return logits(x, tokens, batch.logitRows());
    }

    // ---- attention -------------------------------------------------------------------------

    private void attention(int layer, Attention a, SmallLayerTensors s, float[] normed, ForwardBatch batch,
                           CpuKvCache cache, int start, float[] out) {
        int tokens = batch.size();
        int qd = c.queryDim();
        int kvd = c.kvDim();
        float[] q = ws.q;
        float[] k = ws.k;
        float[] v = ws.v;
        MatMulBatch qkv = ws.batch;
        qkv.clear();
        qkv.add(a.q(), normed, 0, tokens, q, 0, qd);
        qkv.add(a.k(), normed, 0, tokens, k, 0, kvd);
        qkv.add(a.v(), normed, 0, tokens, v, 0, kvd);
        qkv.run(par);
        addBias(q, tokens, s.qBias());
        addBias(k, tokens, s.kBias());
        addBias(v, tokens, s.vBias());
        if (c.qkNorm() == QkNorm.WHOLE_PROJECTION) {
            rmsNorm(q, tokens, qd, s.qNorm(), q);
            rmsNorm(k, tokens, kvd, s.kNorm(), k);
        } else if (c.qkNorm() == QkNorm.PER_HEAD) {
            rmsNorm(q, tokens * c.numHeads(), c.headDim(), s.qNorm(), q);
            rmsNorm(k, tokens * c.numKvHeads(), c.headDim(), s.kNorm(), k);
        }
        if (c.clipQkv().isPresent()) {
            // OLMoE clamps after its q/k norm (as Hugging Face's OlmoeAttention does), not before.
            float clip = (float) c.clipQkv().getAsDouble();
            clamp(q, tokens * qd, clip);
            clamp(k, tokens * kvd, clip);
            clamp(v, tokens * kvd, clip);
        }
        for (int t = 0; t < tokens; t++) {
            rope(q, t * qd, c.numHeads(), batch.position(t));
            rope(k, t * kvd, c.numKvHeads(), batch.position(t));
        }
        cache.write(layer, start, tokens, k, v);

        float[] context = ws.context;
        attend(layer, q, batch.mask(), cache, start, tokens, context);
        MatMul.matmul(par, a.o(), 0, c.hiddenSize(), context, tokens, out, c.hiddenSize(), 0);
        addBias(out, tokens, s.oBias());
    }

    /** Rotate-half RoPE on {@code heads} heads of one token, in place. */
    private void rope(float[] v, int off, int heads, int position) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int i = 0; i < half; i++) {
            double angle = position * invFreq[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int b = off + h * hd;
                float x0 = v[b + i];
                float x1 = v[b + i + half];
                v[b + i] = x0 * cos - x1 * sin;
                v[b + i + half] = x1 * cos + x0 * sin;
            }
        }
    }

    /**
     * Scaled dot-product attention of each batch token and query head over the cached prefix and
     * the batch tokens its mask shows (GQA: query head h reads kv head h / group).
     */
    private void attend(int layer, float[] q, AttentionMask mask, CpuKvCache cache, int start, int tokens,
                        float[] context) {
        int hd = c.headDim();
        int heads = c.numHeads();
        int group = heads / c.numKvHeads();
        int kvd = c.kvDim();
        int qd = c.queryDim();
        int window = c.slidingWindow();
        float[] keys = cache.keys[layer];
        float[] values = cache.values[layer];
        int[] positions = cache.positions();
        int maskStart = start - mask.cachedNodes();   // slots from here on are governed by the mask
        if (maskStart < 0) {
            throw new IllegalArgumentException("the mask names " + mask.cachedNodes() + " cached tree nodes; the cache holds "
                    + start + " tokens");
        }
        float[][] scratch = ws.scores;
        par.forRange(tokens * heads, 1, (from, to) -> {
            float[] scores = scratch[par.workerIndex()];
            for (int job = from; job < to; job++) {
                int t = job / heads;
                int h = job % heads;
                int qOff = t * qd + h * hd;
                int kvOff = (h / group) * hd;
                int queryPos = positions[start + t];
                float max = Float.NEGATIVE_INFINITY;
                for (int slot = 0; slot < start + tokens; slot++) {
                    boolean visible = slot < maskStart || mask.isVisible(t, slot - maskStart);
                    if (visible && window > 0 && queryPos - positions[slot] >= window) {
                        visible = false;
                    }
                    if (visible) {
                        float sc = MatMul.dot(q, qOff, keys, slot * kvd + kvOff, hd) * attentionScale;
                        scores[slot] = sc;
                        max = Math.max(max, sc);
                    } else {
                        scores[slot] = Float.NEGATIVE_INFINITY;
                    }
                }
                float sum = 0;
                for (int slot = 0; slot < start + tokens; slot++) {
                    if (scores[slot] != Float.NEGATIVE_INFINITY) {
                        float e = (float) Math.exp(scores[slot] - max);
                        scores[slot] = e;
                        sum += e;
                    }
                }
                int cOff = t * qd + h * hd;
                Arrays.fill(context, cOff, cOff + hd, 0f);
                for (int slot = 0; slot < start + tokens; slot++) {
                    if (scores[slot] != Float.NEGATIVE_INFINITY) {
                        MatMul.axpy(scores[slot] / sum, values, slot * kvd + kvOff, context, cOff, hd);
                    }
                }
            }
        });
    }

    // ---- feed-forward ----------------------------------------------------------------------

    /** down(silu(gate(x)) * up(x)) for {@code tokens} rows of {@code x} into {@code out}. */
    private void swiGlu(SwiGlu mlp, float[] x, int tokens, float[] out) {
        int width = (int) mlp.gate().dim(0);
        MatMulBatch batch = ws.batch;
        batch.clear();
        batch.add(mlp.gate(), x, 0, tokens, ws.gate, 0, width);
        batch.add(mlp.up(), x, 0, tokens, ws.up, 0, width);
        batch.run(par);
        siluGate(ws.gate, ws.up, tokens * width);
        MatMul.matmul(par, mlp.down(), 0, c.hiddenSize(), ws.gate, tokens, out, c.hiddenSize(), 0);
    }

    /** {@code gate[i] = silu(gate[i]) * up[i]}, SwiGLU's gated activation, in place. */
    private static void siluGate(float[] gate, float[] up, int length) {
        for (int i = 0; i < length; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /**
     * The MoE block: route every token, apply the pass's expert budget (verification passes
     * only), then run each used expert once over all of its tokens (the expert's weights are
     * streamed once per pass, and experts outside the budget not at all) and mix the outputs by
     * routing weight.
     */
    private void moe(int layer, Moe moe, SmallLayerTensors s, float[] x, ForwardBatch batch, float[] out,
                     MoeProbe probe) {
        int tokens = batch.size();
        int d = c.hiddenSize();
        int n = router.numExperts();
        int k = router.topK();
        float[] routerLogits = ws.routerLogits;
        MatMul.matmul(par, moe.router(), 0, n, x, tokens, routerLogits, n, 0);
        float[] probs = ws.routerProbs;
        int[] ids = ws.routerIds;
        float[] weights = ws.routerWeights;
        router.route(routerLogits, tokens, probs, ids, weights);
        ExpertBudgeter.Decision budget = batch.budget().isUnlimited() ? null
                : ExpertBudgeter.apply(batch.budget(), tokens, n, k, slice(probs, tokens * n), slice(ids, tokens * k),
                slice(weights, tokens * k), batch.scoreWeights(), router.normalizesTopK());
        if (probe.isListening()) {
            probe.onRouting(new LayerRouting(layer, tokens, n, k, slice(routerLogits, tokens * n),
                    slice(probs, tokens * n), slice(ids, tokens * k), slice(weights, tokens * k), budget));
        }
        int[] usedIds = budget == null ? ids : budget.usedIds();
        float[] usedWeights = budget == null ? weights : budget.usedWeights();

        // Group (token, weight) pairs by expert, in token order; -1 marks an expert truncation dropped.
        int pairs = tokens * k;
        int[] count = ws.expertCount;
        int[] start = ws.expertStart;
        Arrays.fill(count, 0);
        for (int i = 0; i < pairs; i++) {
            if (usedIds[i] >= 0) {
                count[usedIds[i]]++;
            }
        }
        for (int e = 0; e < n; e++) {
            start[e + 1] = start[e] + count[e];
            count[e] = 0;   // from here on: pairs placed so far
        }
        int grouped = start[n];
        int[] rows = ws.groupRows;
        float[] rowWeights = ws.groupWeights;
        float[] gathered = ws.gathered;
        for (int i = 0; i < pairs; i++) {
            int e = usedIds[i];
            if (e >= 0) {
                int p = start[e] + count[e]++;
                rows[p] = i / k;
                rowWeights[p] = usedWeights[i];
                System.arraycopy(x, (i / k) * d, gathered, p * d, d);
            }
        }

        // Every used expert's gate and up in one region, then every down in another: each
        // expert's weights are streamed once for all of its tokens, and experts outside the
        // budget not at all.
        int width = (int) moe.experts().getFirst().gate().dim(0);
        MatMulBatch experts = ws.batch;
        experts.clear();
        for (int e = 0; e < n; e++) {
            if (count[e] > 0) {
                SwiGlu expert = moe.experts().get(e);
                experts.add(expert.gate(), gathered, start[e] * d, count[e], ws.gate, start[e] * width, width);
                experts.add(expert.up(), gathered, start[e] * d, count[e], ws.up, start[e] * width, width);
            }
        }
        experts.run(par);
        siluGate(ws.gate, ws.up, grouped * width);
        float[] expertOut = ws.expertOut;
        experts.clear();
        for (int e = 0; e < n; e++) {
            if (count[e] > 0) {
                experts.add(moe.experts().get(e).down(), ws.gate, start[e] * width, count[e], expertOut, start[e] * d, d);
            }
        }
        experts.run(par);
        Arrays.fill(out, 0, tokens * d, 0f);
        for (int p = 0; p < grouped; p++) {
            MatMul.axpy(rowWeights[p], expertOut, p * d, out, rows[p] * d, d);
        }

        if (moe.sharedExpert() != null) {
            float[] shared = ws.shared;
            swiGlu(moe.sharedExpert(), x, tokens, shared);
            for (int t = 0; t < tokens; t++) {
                float g = MatMul.dot(s.sharedGate(), 0, x, t * d, d);
                MatMul.axpy(1f / (1f + (float) Math.exp(-g)), shared, t * d, out, t * d, d);
            }
        }
    }

    /** The first {@code length} entries of a scratch row, copied for records that outlive the pass. */
    private static float[] slice(float[] a, int length) {
        return Arrays.copyOf(a, length);
    }

    private static int[] slice(int[] a, int length) {
        return Arrays.copyOf(a, length);
    }

    // ---- output ----------------------------------------------------------------------------

    private Logits logits(float[] x, int tokens, ForwardBatch.LogitRows rows) {
        int d = c.hiddenSize();
        int first = rows == ForwardBatch.LogitRows.LAST ? tokens - 1 : 0;
        int count = tokens - first;
        float[] last = ws.normed;
        System.arraycopy(x, first * d, last, 0, count * d);
        rmsNorm(last, count, d, finalNorm, last);
        float[] logits = new float[count * c.vocabSize()];
        MatMul.matmul(par, w.lmHead(), 0, c.vocabSize(), last, count, logits, c.vocabSize(), 0);
        return new Logits(first, count, c.vocabSize(), logits);
    }

    // ---- elementwise -----------------------------------------------------------------------

    /** RMSNorm of {@code rows} rows of {@code width}; {@code out} may be {@code x}. */
    private void rmsNorm(float[] x, int rows, int width, float[] weight, float[] out) {
        float eps = (float) c.rmsNormEps();
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            float ss = MatMul.dot(x, off, x, off, width);
            float inv = (float) (1.0 / Math.sqrt(ss / width + eps));
            for (int i = 0; i < width; i++) {
                out[off + i] = x[off + i] * inv * weight[i];
            }
        }
    }

    private static void addBias(float[] y, int rows, float[] bias) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            MatMul.axpy(1f, bias, 0, y, r * bias.length, bias.length);
        }
    }

    private static void clamp(float[] v, int length, float limit) {
        for (int i = 0; i < length; i++) {
            v[i] = Math.max(-limit, Math.min(limit, v[i]));
        }
    }

    private static void addInPlace(float[] x, float[] delta, int length) {
        MatMul.axpy(1f, delta, 0, x, 0, length);
    }

    @Override
    public void close() {
        // Weights belong to the Model, the pool to the backend: nothing of its own to release.
    }
}
