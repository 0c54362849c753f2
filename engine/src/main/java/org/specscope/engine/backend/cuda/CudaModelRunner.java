package org.specscope.engine.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.specscope.engine.backend.AttentionMask;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.backend.TokenDraw;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.model.ModelWeights;
import org.specscope.engine.model.ModelWeights.Attention;
import org.specscope.engine.model.ModelWeights.Dense;
import org.specscope.engine.model.ModelWeights.LayerWeights;
import org.specscope.engine.model.ModelWeights.Moe;
import org.specscope.engine.model.ModelWeights.SwiGlu;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ExpertBudgeter;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The forward pass of CpuModelRunner on a CUDA device: the same blocks in the same order, the same
 * family rules, float32 activations and weights in their stored dtype. A pass is a sequence of
 * kernel launches on one stream; the host waits once, for the logits. MoE-Spec's budget runs on
 * the device too (the expert_budget kernel: ExpertBudgeter's scores, selection and coverage
 * policies in the same order of float operations, so both backends keep the same experts), so a
 * budgeted verification pass has no host round trip per layer. A listening {@link MoeProbe} gets
 * every layer's routing and budget decision after the pass: each layer's stays in its own device
 * buffers during the pass and is copied back once, in layer order.
 */
final class CudaModelRunner implements ModelRunner {

    private static final System.Logger LOG = System.getLogger(CudaModelRunner.class.getName());
    /** -Dspecscope.cuda.graphs=false launches decode steps kernel by kernel (to compare). */
    static final String GRAPHS_PROPERTY = "specscope.cuda.graphs";
    /** -Dspecscope.cuda.tensorCores=false keeps multi-token BF16 products on the FP32 kernels (to compare). */
    static final String TENSOR_CORES_PROPERTY = "specscope.cuda.tensorCores";
    private static final int BLOCK = 256;
    private static final int MM_WARPS = 8;     // as specscope_kernels.cu
    private static final int MM_TOKENS = 16;   // the token tile of multi-token passes; one-token passes use 1
    private static final int MMA_ROWS = MM_WARPS * 16;   // weight rows per block of the *_mma_bf16 kernels
    private static final int MAX_EXPERTS = 1024;
    private static final int MAX_TOP_K = 64;
    private static final int ATT_THREADS = 128;
    /** Slots per block of split-key attention at a full cache, and the most splits (see attentionSplits). */
    private static final int ATT_SPLIT_SLOTS = 256;
    private static final int MAX_ATT_SPLITS = 32;
    private static final int ROUTER_THREADS = 1024;   // 32 warps share the router's rows
    private static final int BUDGET_THREADS = 1024;   // a warp per token re-routes 32 tokens at a time
    private static final int GROUP_THREADS = 256;
    private static final int ARGMAX_THREADS = 256;   // a power of two: argmax_rows halves it
    private static final int DRAW_THREADS = 256;     // draw_token's DRAW_THREADS

    private final CudaContext cu;
    private final ModelConfig c;
    private final Matrix embed;
    private final Matrix lmHead;
    private final CUdeviceptr finalNorm;
    private final CUdeviceptr invFreq;
    private final List<Layer> layers = new ArrayList<>();
    private final List<CUdeviceptr> owned = new ArrayList<>();
    private final float attentionScale;
    private final int widestFfn;
    /** Whether multi-token passes multiply BF16 weights on tensor cores (where shapes allow). */
    private final boolean tensorCores;
    private Workspace ws;
    private CUdeviceptr drawWeights;
    /** Page-locked host memory the routing is copied into without the host waiting (copyRoutingLater). */
    private Pointer routingHost;
    private long routingHostBytes;
    /** The captured decode step, with the cache and workspace its arguments point into. */
    private record DecodeGraph(CudaGraph graph, WeakReference<CudaKvCache> cache, Workspace ws) {
    }
    private DecodeGraph decodeGraph;
    /** Why decode steps launch kernel by kernel; null while they replay a CUDA graph. */
    private String graphsOff;
    /** Decode steps replayed as a graph (for tests: that the graph path ran). */
    private long graphLaunches;

    /** A weight matrix [rows x cols] on the device in its stored dtype. */
    private record Matrix(CUdeviceptr ptr, DType dtype, int rows, int cols) {
    }

    /** A MoE layer's experts, stacked: expert e's matrix at base + e * stride elements. */
    private record Experts(CUdeviceptr gate, CUdeviceptr up, CUdeviceptr down, DType dtype, int width, int hidden) {
    }

    private record Mlp(Matrix gate, Matrix up, Matrix down) {
    }

    /** One decoder layer; null where the family has no such tensor. */
    private record Layer(CUdeviceptr inputNorm, CUdeviceptr postNorm, Matrix q, Matrix k, Matrix v, Matrix o,
                         CUdeviceptr qBias, CUdeviceptr kBias, CUdeviceptr vBias, CUdeviceptr oBias,
                         CUdeviceptr qNorm, CUdeviceptr kNorm, Mlp dense, Matrix router, Experts experts,
                         Mlp shared, CUdeviceptr sharedGate) {
    }

    CudaModelRunner(CudaContext cu, Model model, LoadMonitor monitor) {
        this.cu = cu;
        this.c = model.config();
        this.graphsOff = "false".equals(System.getProperty(GRAPHS_PROPERTY)) ? "-D" + GRAPHS_PROPERTY + "=false"
                : CudaGraph.unavailable();
        this.tensorCores = !"false".equals(System.getProperty(TENSOR_CORES_PROPERTY));
        if (c.headDim() > ATT_THREADS * 4) {
            throw new IllegalArgumentException("head_dim " + c.headDim() + " of " + model.directory().getFileName()
                    + " exceeds the CUDA attention kernels' " + ATT_THREADS * 4);
        }
        c.moe().ifPresent(m -> {
            if (m.numExperts() > MAX_EXPERTS || m.expertsPerToken() > MAX_TOP_K) {
                throw new IllegalArgumentException("the CUDA kernels take at most " + MAX_EXPERTS + " experts and top-"
                        + MAX_TOP_K + "; " + model.directory().getFileName() + " has " + m.numExperts()
                        + " experts, top-" + m.expertsPerToken());
            }
        });
        cu.bind();
        ModelWeights w = model.weights();
        String name = model.directory().getFileName().toString();
        Upload up = new Upload(name, w.byteSize(), monitor);
        try {
            this.embed = up.matrix(w.embedTokens());
            this.lmHead = w.lmHead() == w.embedTokens() ? embed : up.matrix(w.lmHead());
            this.finalNorm = up.floats(w.finalNorm());
            int widest = 0;
            for (LayerWeights lw : w.layers()) {
                Attention a = lw.attention();
                Mlp dense = null;
                Matrix router = null;
                Experts experts = null;
                Mlp shared = null;
                CUdeviceptr sharedGate = null;
                switch (lw.ffn()) {
                    case Dense d -> {
                        dense = up.mlp(d.mlp());
                        widest = Math.max(widest, dense.gate().rows());
                    }
                    case Moe m -> {
                        router = up.matrix(m.router());
                        experts = up.experts(m.experts());
                        widest = Math.max(widest, experts.width());
                        if (m.sharedExpert() != null) {
                            shared = up.mlp(m.sharedExpert());
                            sharedGate = up.floats(m.sharedGate());
                            widest = Math.max(widest, shared.gate().rows());
                        }
                    }
                }
                layers.add(new Layer(up.floats(lw.inputNorm()), up.floats(lw.postAttentionNorm()), up.matrix(a.q()),
                        up.matrix(a.k()), up.matrix(a.v()), up.matrix(a.o()), up.floats(a.qBias()),
                        up.floats(a.kBias()), up.floats(a.vBias()), up.floats(a.oBias()), up.floats(a.qNorm()),
                        up.floats(a.kNorm()), dense, router, experts, shared, sharedGate));
            }
            this.widestFfn = widest;
            // The rotary frequencies exactly as the CPU runner computes them (with the model's scaling), in double.
            double[] freq = new double[c.headDim() / 2];
            for (int i = 0; i < freq.length; i++) {
                freq[i] = c.ropeScaling().scale(Math.pow(c.ropeTheta(), -(2.0 * i) / c.headDim()));
            }
            this.invFreq = own(cu.alloc((long) freq.length * Double.BYTES, "rotary frequencies"));
            cu.upload(freq, invFreq);
            up.finish();
        } catch (RuntimeException e) {
            freeAll();
            throw e;
        }
        this.attentionScale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    private CUdeviceptr own(CUdeviceptr p) {
        owned.add(p);
        return p;
    }

    /**
     * Copies weights to the device once, telling the load monitor the bytes copied at each
     * hundredth (a step, so also where a cancelled load stops).
     */
    private final class Upload {
        private final String message;
        private final long total;
        private final LoadMonitor monitor;
        private long done;
        private long reported = -1;

        Upload(String model, long total, LoadMonitor monitor) {
            this.message = "uploading the weights of " + model + " to the GPU";
            this.total = total;
            this.monitor = monitor;
            report();
        }

        Matrix matrix(Tensor t) {
            CUdeviceptr p = own(cu.alloc(t.data().byteSize(), t.name()));
            copy(t, p, 0);
            return new Matrix(p, t.dtype(), (int) t.dim(0), (int) t.dim(1));
        }

        Mlp mlp(SwiGlu m) {
            return new Mlp(matrix(m.gate()), matrix(m.up()), matrix(m.down()));
        }

        /** Every expert's gate (then up, then down) in one allocation, so one launch reaches them all. */
        Experts experts(List<SwiGlu> experts) {
            SwiGlu first = experts.getFirst();
            long bytes = first.gate().data().byteSize();
            CUdeviceptr gate = own(cu.alloc(bytes * experts.size(), first.gate().name() + " (all experts)"));
            CUdeviceptr upS = own(cu.alloc(bytes * experts.size(), first.up().name() + " (all experts)"));
            CUdeviceptr down = own(cu.alloc(bytes * experts.size(), first.down().name() + " (all experts)"));
            for (int e = 0; e < experts.size(); e++) {
                SwiGlu x = experts.get(e);
                if (x.gate().dtype() != first.gate().dtype() || x.down().dtype() != first.gate().dtype()
                        || x.up().dtype() != first.gate().dtype()) {
                    throw new IllegalArgumentException("experts of one layer in different dtypes: " + x.gate());
                }
                copy(x.gate(), gate, e * bytes);
                copy(x.up(), upS, e * bytes);
                copy(x.down(), down, e * bytes);
            }
            return new Experts(gate, upS, down, first.gate().dtype(), (int) first.gate().dim(0),
                    (int) first.gate().dim(1));
        }

        /** A small tensor (norm, bias, gate) widened to float32; null stays null. */
        CUdeviceptr floats(Tensor t) {
            if (t == null) {
                return null;
            }
            float[] f = new float[(int) t.elementCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloat(i);
            }
            CUdeviceptr p = own(cu.alloc((long) f.length * Float.BYTES, t.name()));
            cu.upload(f, p);
            advance(t.data().byteSize());
            return p;
        }

        private void copy(Tensor t, CUdeviceptr dst, long offset) {
            cu.upload(t.data(), dst, offset, () -> { });
            advance(t.data().byteSize());
        }

        private void advance(long bytes) {
            done = Math.min(total, done + bytes);
            if (hundredths(done) != hundredths(reported)) {
                report();
            }
        }

        private long hundredths(long bytes) {
            return total == 0 ? 100 : 100 * bytes / total;
        }

        private void report() {
            monitor.step(String.format(Locale.ROOT, "%s: %s of %s", message, gib(done), gib(total)), done, total);
            reported = done;
        }

        void finish() {
            if (reported != total) {
                done = total;
                report();
            }
        }

        private static String gib(long bytes) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public KvCache newKvCache(int capacity) {
        cu.bind();
        return new CudaKvCache(cu, c.numLayers(), capacity, c.kvDim());
    }

    // ---- the pass --------------------------------------------------------------------------

    @Override
    public Logits forward(ForwardBatch batch, KvCache kvCache, MoeProbe probe) {
        Runnable handRouting = runListened(batch, kvCache, probe);
        Logits logits = logits(batch);   // waits for the stream, the routing's copy included
        handRouting.run();
        return logits;
    }

    /** Draws the token on the device from the last row's logits and copies back just that token. */
    @Override
    public int forwardAndDraw(ForwardBatch batch, KvCache kvCache, MoeProbe probe, TokenDraw draw) {
        Runnable handRouting = runListened(batch, kvCache, probe);
        int last = batch.size() - 1;
        project(last, 1);
        if (draw.isGreedy()) {
            cu.launch("argmax_rows", 1, 1, 1, ARGMAX_THREADS, 0, ws.logits, c.vocabSize(), ws.argmax);
        } else {
            cu.launch("draw_token", 1, 1, 1, DRAW_THREADS, 0, ws.logits, c.vocabSize(), draw.temperature(), draw.topK(),
                    draw.topP(), draw.u(), drawWeights(), ws.argmax);
        }
        int[] token = new int[1];
        cu.download(ws.argmax, token, 1);   // waits for the stream, the routing's copy included
        handRouting.run();
        return token[0];
    }

    /**
     * Runs the pass's layers and, for a listening probe, queues its routing's copy (copyRoutingLater).
     * Returns what hands the routing to the probe, to run once the stream has been waited for.
     */
    private Runnable runListened(ForwardBatch batch, KvCache kvCache, MoeProbe probe) {
        boolean budgeted = run(batch, ModelRunner.ownCache(kvCache, CudaKvCache.class));
        if (!probe.isListening()) {
            return () -> { };
        }
        copyRoutingLater(batch.size());
        return () -> emitRouting(batch.size(), budgeted, probe);
    }

    /**
     * The pass's layers: leaves the last hidden states in ws.x, the batch's keys and values in the
     * cache, and its routing in the routing block. Returns whether the pass was budgeted.
     */
    private boolean run(ForwardBatch batch, CudaKvCache cache) {
        int tokens = batch.size();
        int start = cache.startOfPass(tokens);
        AttentionMask mask = batch.mask();
        if (mask.cachedNodes() > start) {
            throw new IllegalArgumentException("the mask names " + mask.cachedNodes() + " cached tree nodes; the cache holds "
                    + start + " tokens");
        }
        batch.checkVocabulary(c.vocabSize());
        int[] ids = batch.tokens();
        cu.bind();
        ensureWorkspace(tokens, mask.cachedNodes() + tokens);

        int[] input = new int[tokens + 1];   // the pass's first cache slot, then its token ids: one copy
        input[0] = start;
        System.arraycopy(ids, 0, input, 1, tokens);
        cu.upload(input, input.length, ws.step);
        cache.stagePositions(start, batch.positions());
        boolean causal = mask.isCausal();
        if (!causal) {
            int cols = mask.cachedNodes() + tokens;
            byte[] visible = new byte[tokens * cols];
            for (int t = 0; t < tokens; t++) {
                for (int key = 0; key < cols; key++) {
                    visible[t * cols + key] = (byte) (mask.isVisible(t, key) ? 1 : 0);
                }
            }
            cu.upload(visible, visible.length, ws.mask);
        }

        boolean budgeted = c.moe().isPresent() && !batch.budget().isUnlimited();
        float[] scoreWeights = budgeted ? batch.scoreWeights() : null;
        if (scoreWeights != null) {
            cu.upload(scoreWeights, ws.tokenWeights);
        }
        if (tokens == 1 && causal && mask.cachedNodes() == 0 && !budgeted && graphsOff == null && !cu.profiling()) {
            decodeStep(cache, batch);
        } else {
            layers(batch, cache, scoreWeights != null);
        }
        cache.commit(start + tokens);
        return budgeted;
    }

    /**
     * A plain decode step: its launches and their arguments are the same at every step (the token,
     * its cache slot and its position lie in device memory), so they are captured once as a CUDA
     * graph and replayed. The first step with a cache and workspace (the arguments point into both)
     * launches its kernels one by one, which also loads any kernel not run yet (the driver may load
     * kernels lazily, which a capture should not have to do), and then captures the graph that the
     * following steps replay. Where a capture fails, the reason is logged and steps launch kernel
     * by kernel from then on.
     */
    private void decodeStep(CudaKvCache cache, ForwardBatch batch) {
        if (decodeGraph != null && decodeGraph.cache().get() == cache && decodeGraph.ws() == ws) {
            decodeGraph.graph().launch();
            graphLaunches++;
            return;
        }
        if (decodeGraph != null) {
            decodeGraph.graph().close();
            decodeGraph = null;
        }
        layers(batch, cache, false);
        try {
            CudaGraph graph = CudaGraph.capture(cu, () -> layers(batch, cache, false));   // recorded, not run
            decodeGraph = new DecodeGraph(graph, new WeakReference<>(cache), ws);
        } catch (RuntimeException e) {
            graphsOff = "capture failed: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "CUDA graphs off for " + c.architecture().className()
                    + " decode steps (" + graphsOff + "); launching kernel by kernel");
        }
    }

    /** The layers' launches, from the embedded tokens in ws.x to the last hidden states. */
    private void layers(ForwardBatch batch, CudaKvCache cache, boolean tokenWeights) {
        int tokens = batch.size();
        int d = c.hiddenSize();
        AttentionMask mask = batch.mask();
        boolean causal = mask.isCausal();
        // The embedding is normed for the first layer in the same launch, and each residual add is
        // fused with the norm that follows it: the next layer's input norm, and after the last layer
        // the final norm, which leaves every row normed for the LM head (project).
        cu.launch("embed_" + suffix(embed.dtype()), tokens, 1, 1, BLOCK, 0, embed.ptr(), ws.tokenIds, ws.x, d,
                layers.getFirst().inputNorm(), ws.normed, (float) c.rmsNormEps());
        for (int l = 0; l < c.numLayers(); l++) {
            Layer layer = layers.get(l);
            CUdeviceptr nextNorm = l + 1 < c.numLayers() ? layers.get(l + 1).inputNorm() : finalNorm;
            attention(l, layer, batch, cache, causal, mask.cachedNodes());
            boolean normed = false;
            if (layer.dense() != null) {
                addRmsNorm(tokens, d, layer.postNorm());
                swiGlu(layer.dense(), ws.normed, tokens, ws.delta);
            } else {
                normed = moe(l, layer, batch, tokenWeights, nextNorm);   // adds and norms with postNorm first
            }
            if (!normed) {
                addRmsNorm(tokens, d, nextNorm);
            }
        }
    }

    private void attention(int l, Layer a, ForwardBatch batch, CudaKvCache cache, boolean causal, int cachedNodes) {
        int tokens = batch.size();
        int qd = c.queryDim();
        int kvd = c.kvDim();
        // k and v are computed into scratch rows; qk_norm_rope moves them into their cache slots, at
        // the slot it reads from ws.step (so that no launch argument changes from one decode step to
        // the next: the condition for replaying a step as a CUDA graph).
        CUdeviceptr k = ws.newKeys;
        CUdeviceptr v = ws.newValues;
        if (a.q().dtype() == a.k().dtype() && a.k().dtype() == a.v().dtype()) {
            // One launch for the three projections of the same input.
            MatrixKernel mk = matrixKernel("matmul3", tokens, a.q().dtype(), a.q().cols(), a.q().rows(), a.k().rows(),
                    a.v().rows());
            launchDense(mk, mk.blocks(a.q().rows()) + mk.blocks(a.k().rows()) + mk.blocks(a.v().rows()), tokens,
                    a.q().ptr(), a.k().ptr(), a.v().ptr(), ws.normed, ws.q, k, v, a.q().rows(), a.k().rows(),
                    a.v().rows(), a.q().cols(), tokens);
        } else {
            matmul(a.q(), ws.normed, ws.q, tokens);
            matmul(a.k(), ws.normed, k, tokens);
            matmul(a.v(), ws.normed, v, tokens);
        }
        bias(ws.q, tokens, qd, a.qBias());
        bias(k, tokens, kvd, a.kBias());
        bias(v, tokens, kvd, a.vBias());
        // The q/k norm, OLMoE's clamp (after the norm, as the CPU runner and Hugging Face do) and RoPE.
        int normMode = switch (c.qkNorm()) {
            case NONE -> 0;
            case WHOLE_PROJECTION -> 1;
            case PER_HEAD -> 2;
        };
        cu.launch("qk_norm_rope", tokens, 1, 1, BLOCK, 0, ws.q, k, v, cache.keys(l), cache.values(l), ws.step,
                cache.positions(0), invFreq, a.qNorm(), a.kNorm(), normMode, c.numHeads(), c.numKvHeads(), c.headDim(),
                (float) c.rmsNormEps(), c.clipQkv().isPresent() ? 1 : 0, (float) c.clipQkv().orElse(0));
        int splits = attentionSplits(tokens, cache.capacity());
        int heads = c.numHeads();
        // Both attention kernels take these, then where their results go.
        Object[] scoring = {ws.q, cache.keys(l), cache.values(l), cache.positions(0), ws.mask, causal ? 1 : 0, ws.step,
                tokens, cachedNodes, heads, c.numKvHeads(), c.headDim(), c.slidingWindow(), attentionScale};
        int attShared = (c.headDim() + ATT_THREADS) * Float.BYTES;
        if (splits == 1) {
            cu.launch("attention", tokens * heads, 1, 1, ATT_THREADS, attShared, withResults(scoring, ws.context));
        } else {
            cu.launch("attention_split", tokens * heads, splits, 1, ATT_THREADS, attShared,
                    withResults(scoring, ws.attentionMaxSum, ws.attentionParts));
            cu.launch("attention_combine", tokens * heads, 1, 1, ATT_THREADS, 0, ws.attentionMaxSum, ws.attentionParts,
                    splits, heads, c.headDim(), ws.context);
        }
        matmul(a.o(), ws.context, ws.delta, tokens);
        bias(ws.delta, tokens, c.hiddenSize(), a.oBias());
    }

    /** down(silu(gate(x)) * up(x)) for {@code tokens} rows of {@code x} into {@code out}. */
    private void swiGlu(Mlp mlp, CUdeviceptr x, int tokens, CUdeviceptr out) {
        int width = mlp.gate().rows();
        matmul(mlp.gate(), x, ws.gate, tokens);
        matmul(mlp.up(), x, ws.up, tokens);
        cu.launch("silu_mul", grid((long) tokens * width), 1, 1, BLOCK, 0, ws.gate, ws.up, (long) tokens * width);
        matmul(mlp.down(), ws.gate, out, tokens);
    }

    /**
     * The MoE block as on the CPU: route, apply the pass's budget (on the device: no host round
     * trip), run each used expert once over all of its tokens (grouped GEMMs: unused experts are
     * not read), mix by routing weight. The router's launch first adds the attention's output
     * into the residual stream and applies the layer's post-attention norm. Where the layer has no
     * shared expert, the mix also adds into the residual stream and applies {@code nextNorm} (one
     * launch), and this returns true.
     */
    private boolean moe(int l, Layer layer, ForwardBatch batch, boolean tokenWeights, CUdeviceptr nextNorm) {
        int tokens = batch.size();
        ExpertBudget budget = batch.budget();
        int n = layer.router().rows();
        int k = c.moe().orElseThrow().expertsPerToken();
        boolean normalize = c.moe().orElseThrow().normalizeTopK();
        Routing r = ws.routing(l, tokens);
        // A one-token pass (a decode step) gives each expert at most one pair: the products' lean
        // one-token tile, and the router lists the pairs itself (no group_pairs launch) unless a
        // budget changes them afterwards.
        Experts e = layer.experts();
        MatrixKernel gateUp = matrixKernel("expert_gate_up", tokens, e.dtype(), e.hidden(), e.width());
        MatrixKernel down = matrixKernel("expert_matmul", tokens, e.dtype(), e.width(), e.hidden());
        int tile = gateUp.tile();
        boolean routerGroups = tokens == 1 && budget.isUnlimited();
        cu.launch("router_" + suffix(layer.router().dtype()), tokens, 1, 1, ROUTER_THREADS, 0, layer.router().ptr(),
                ws.x, ws.delta, layer.postNorm(), ws.normed, (float) c.rmsNormEps(), r.logits, r.probs, r.ids,
                r.weights, n, layer.router().cols(), k, normalize ? 1 : 0,
                routerGroups ? ws.expertStart : null, ws.pairToken, ws.pairWeight, ws.slotPair, ws.work, ws.workCount);

        CUdeviceptr usedIds = r.ids;
        CUdeviceptr usedWeights = r.weights;
        if (!budget.isUnlimited()) {
            int fixed = budget.selection() instanceof SelectionPolicy.FixedCount f ? f.experts() : 0;
            double tau = budget.selection() instanceof SelectionPolicy.Coverage cov ? cov.tau() : 1.0;
            cu.launch("expert_budget", 1, 1, 1, BUDGET_THREADS, 3 * n * Float.BYTES, r.probs, r.ids,
                    tokenWeights ? ws.tokenWeights : null, tokens, n, k, fixed, tau,
                    budget.coverage() == CoveragePolicy.SUBSTITUTE ? 1 : 0, normalize ? 1 : 0, r.scores, r.kept,
                    r.usedIds, r.usedWeights);
            usedIds = r.usedIds;
            usedWeights = r.usedWeights;
        }
        if (!routerGroups) {
            cu.launch("group_pairs", 1, 1, 1, GROUP_THREADS, 0, usedIds, usedWeights, tokens * k, k, n, tile,
                    ws.expertStart, ws.pairToken, ws.pairWeight, ws.slotPair, ws.work, ws.workCount);
        }

        long gateStride = (long) e.width() * e.hidden();
        int items = workItemBound(tokens * k, n, tile);
        // gate and up with SwiGLU's activation into ws.gate, then down into ws.expertOut
        cu.launch(gateUp.name(), gateUp.blocks(e.width()), items, 1, MM_WARPS * 32, 0, e.gate(), e.up(), gateStride,
                ws.work, ws.workCount, ws.expertStart, ws.pairToken, ws.normed, ws.gate, e.width(), e.hidden());
        cu.launch(down.name(), down.blocks(e.hidden()), items, 1, MM_WARPS * 32, 0, e.down(), gateStride, ws.work,
                ws.workCount, ws.expertStart, ws.gate, ws.expertOut, e.hidden(), e.width());
        if (layer.shared() == null) {
            cu.launch("combine_add_rms_norm", tokens, 1, 1, BLOCK, 0, ws.expertOut, ws.pairWeight, ws.slotPair, k, ws.x,
                    nextNorm, ws.normed, c.hiddenSize(), (float) c.rmsNormEps());
            return true;
        }
        cu.launch("combine_experts", tokens, 1, 1, BLOCK, 0, ws.expertOut, ws.pairWeight, ws.slotPair, ws.delta, k,
                c.hiddenSize());
        if (layer.shared() != null) {
            swiGlu(layer.shared(), ws.normed, tokens, ws.shared);
            cu.launch("add_gated_shared", tokens, 1, 1, BLOCK, 0, ws.delta, ws.shared, ws.normed, layer.sharedGate(),
                    c.hiddenSize());
        }
        return false;
    }

    /**
     * Queues the copy of every MoE layer's routing (and the budget's decision) for a listening
     * probe, in one copy behind the layers' kernels: the pass wrote them into one compact block
     * (Workspace.routing), and the copy runs while the LM head does, into page-locked memory, so
     * the host waits for nothing more than the logits. (A copy per field and layer, 64 synchronised
     * copies a decode step of OLMoE, took longer than the step; one synchronous copy after the
     * logits still added a PCIe round trip to every step the app watched.)
     */
    private void copyRoutingLater(int tokens) {
        long bytes = ws.routingWords(tokens) * Integer.BYTES;
        if (bytes == 0) {
            return;
        }
        if (routingHostBytes < bytes) {
            freeRoutingHost();
            long room = ws.routingWords(ws.tokens) * Integer.BYTES;   // the workspace's widest pass: once
            routingHost = cu.allocHost(room, "routing for the probe");
            routingHostBytes = room;
        }
        cu.copyOutLater(ws.routingBlock, routingHost, bytes);
    }

    /** Hands the routing that copyRoutingLater brought back to the probe, layer by layer (after a sync). */
    private void emitRouting(int tokens, boolean budgeted, MoeProbe probe) {
        int k = c.moe().map(m -> m.expertsPerToken()).orElse(0);
        int[] words = new int[Math.toIntExact(ws.routingWords(tokens))];
        if (words.length > 0) {
            routingHost.getByteBuffer(0, (long) words.length * Integer.BYTES).order(ByteOrder.nativeOrder())
                    .asIntBuffer().get(words);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            if (layers.get(l).router() == null) {
                continue;
            }
            int n = layers.get(l).router().rows();
            RoutingLayout at = ws.layout(l, tokens);
            float[] logits = floats(words, at.logits(), tokens * n);
            float[] probs = floats(words, at.probs(), tokens * n);
            int[] ids = Arrays.copyOfRange(words, at.ids(), at.ids() + tokens * k);
            float[] weights = floats(words, at.weights(), tokens * k);
            ExpertBudgeter.Decision decision = null;
            if (budgeted) {
                boolean[] kept = new boolean[n];
                for (int e = 0; e < n; e++) {
                    kept[e] = words[at.kept() + e] != 0;
                }
                decision = new ExpertBudgeter.Decision(floats(words, at.scores(), n), kept,
                        Arrays.copyOfRange(words, at.usedIds(), at.usedIds() + tokens * k),
                        floats(words, at.usedWeights(), tokens * k));
            }
            probe.onRouting(new LayerRouting(l, tokens, n, k, logits, probs, ids, weights, decision));
        }
    }

    private static float[] floats(int[] words, int from, int count) {
        float[] f = new float[count];
        for (int i = 0; i < count; i++) {
            f[i] = Float.intBitsToFloat(words[from + i]);
        }
        return f;
    }

    private Logits logits(ForwardBatch batch) {
        int tokens = batch.size();
        ForwardBatch.LogitRows rows = batch.logitRows();
        int first = rows == ForwardBatch.LogitRows.LAST ? tokens - 1 : 0;
        int count = tokens - first;
        project(first, count);
        if (rows == ForwardBatch.LogitRows.ALL_ARGMAX) {
            // Greedy verification reads each row's best token and each token's probability under its
            // parent's row: copy back 2 numbers a token, not rows of the vocabulary.
            cu.upload(parentRows(batch.mask()), count, ws.parentRows);
            cu.launch("argmax_rows", count, 1, 1, ARGMAX_THREADS, 0, ws.logits, c.vocabSize(), ws.argmax);
            cu.launch("parent_token_probs", count, 1, 1, ARGMAX_THREADS, 0, ws.logits, c.vocabSize(), ws.parentRows,
                    ws.tokenIds, ws.parentProbs);
            int[] best = new int[count];
            float[] parentProbs = new float[count];
            cu.download(ws.argmax, best, count);
            cu.download(ws.parentProbs, 0, parentProbs, count);
            return Logits.argmaxOnly(first, c.vocabSize(), best, parentProbs);
        }
        float[] values = new float[count * c.vocabSize()];
        cu.download(ws.logits, 0, values, values.length);
        return new Logits(first, count, c.vocabSize(), values);
    }

    /** Why decode steps launch kernel by kernel; null while they replay a CUDA graph. */
    String graphsOff() {
        return graphsOff;
    }

    /** How many decode steps replayed the captured graph. */
    long graphLaunches() {
        return graphLaunches;
    }

    /** The LM head for batch rows [first, first + count), into ws.logits (the last layer left them normed). */
    private void project(int first, int count) {
        matmul(lmHead, ws.normed.withByteOffset((long) first * c.hiddenSize() * Float.BYTES), ws.logits, count);
    }

    /** draw_token's scratch: a double per vocabulary entry, allocated at the first sampled draw. */
    private CUdeviceptr drawWeights() {
        if (drawWeights == null) {
            drawWeights = own(cu.alloc((long) c.vocabSize() * Double.BYTES, "sampling scratch"));
        }
        return drawWeights;
    }

    /**
     * How many (expert, tile of {@code tile} pairs) work items group_pairs can list for {@code pairs}
     * pairs over {@code experts} experts: every used expert's last tile may be partial.
     */
    static int workItemBound(int pairs, int experts, int tile) {
        return ceil(pairs, tile) + Math.min(experts, pairs);
    }

    /**
     * How many blocks share each head's keys in a pass of {@code tokens} over a cache of
     * {@code capacity} slots: one per ATT_SPLIT_SLOTS slots of capacity, so that a long context is
     * read by many SMs rather than one per head, with tokens x splits at most MAX_ATT_SPLITS
     * (decode steps and short chains or trees split; a 32-token pass fills the GPU by itself, and
     * the workspace's parts hold MAX_ATT_SPLITS per head). Fixed per cache (a decode step's CUDA
     * graph keeps its grid); the kernel divides the slots actually in use among the splits.
     */
    static int attentionSplits(int tokens, int capacity) {
        int most = MAX_ATT_SPLITS / tokens;
        return most <= 1 ? 1 : Math.clamp(ceil(capacity, ATT_SPLIT_SLOTS), 1, most);
    }

    /** The token tile of the matrix kernels for a pass of {@code tokens}: 1 for a decode step, else MM_TOKENS. */
    private static int tile(int tokens) {
        return tokens == 1 ? 1 : MM_TOKENS;
    }

    /**
     * A matrix kernel as launched: its entry point, the weight rows one block covers, its token
     * tile, and whether its dense products take the token tiles as grid x (the tensor-core
     * kernels: the tiles of the same rows run together and share the weights' reads through L2).
     */
    private record MatrixKernel(String name, int rowsPerBlock, int tile, boolean tilesFirst) {
        int blocks(int rows) {
            return ceil(rows, rowsPerBlock);
        }
    }

    /**
     * The kernel of {@code base}'s product in a pass of {@code tokens} over weights with
     * {@code cols} columns and the given row counts: BF16 tensor cores ({@code base_mma_bf16}) for
     * multi-token passes whose shapes are multiples of 16, else the warp-per-row kernel of the
     * pass's tile ({@code base_t<tile>_<dtype>}), as specscope_kernels.cu names them. Decode steps
     * stay on the one-token kernels: a single token cannot fill an MMA tile, and they are bound by
     * reading the weights, not by arithmetic.
     */
    private MatrixKernel matrixKernel(String base, int tokens, DType dtype, int cols, int... rows) {
        boolean aligned = cols % 16 == 0;
        for (int r : rows) {
            aligned &= r % 16 == 0;
        }
        if (tensorCores && tokens > 1 && dtype == DType.BF16 && aligned) {
            return new MatrixKernel(base + "_mma_bf16", MMA_ROWS, MM_TOKENS, true);
        }
        int tile = tile(tokens);
        return new MatrixKernel(base + "_t" + tile + "_" + suffix(dtype), MM_WARPS, tile, false);
    }

    /** Each batch token's nearest visible earlier batch token (its parent in a tree), or -1. */
    private static int[] parentRows(AttentionMask mask) {
        int[] parents = new int[mask.size()];
        for (int t = 0; t < parents.length; t++) {
            parents[t] = -1;
            for (int j = t - 1; j >= 0; j--) {
                if (mask.isVisible(t, mask.cachedNodes() + j)) {
                    parents[t] = j;
                    break;
                }
            }
        }
        return parents;
    }

    // ---- launches --------------------------------------------------------------------------

    /** y[tokens x m.rows] = x[tokens x m.cols] m^T. */
    private void matmul(Matrix m, CUdeviceptr x, CUdeviceptr y, int tokens) {
        MatrixKernel mk = matrixKernel("matmul", tokens, m.dtype(), m.cols(), m.rows());
        launchDense(mk, mk.blocks(m.rows()), tokens, m.ptr(), x, y, m.rows(), m.cols(), tokens);
    }

    /** A kernel's arguments: {@code args}, then {@code results}. */
    private static Object[] withResults(Object[] args, Object... results) {
        Object[] all = Arrays.copyOf(args, args.length + results.length);
        System.arraycopy(results, 0, all, args.length, results.length);
        return all;
    }

    /** Launches a dense product over {@code rowBlocks} blocks of weight rows and the pass's token tiles. */
    private void launchDense(MatrixKernel mk, int rowBlocks, int tokens, Object... args) {
        int tiles = ceil(tokens, mk.tile());
        cu.launch(mk.name(), mk.tilesFirst() ? tiles : rowBlocks, mk.tilesFirst() ? rowBlocks : tiles, 1,
                MM_WARPS * 32, 0, args);
    }

    /** x += delta, then normed = RMSNorm(x) with {@code weight}. */
    private void addRmsNorm(int rows, int width, CUdeviceptr weight) {
        cu.launch("add_rms_norm", rows, 1, 1, BLOCK, 0, ws.x, ws.delta, weight, ws.normed, width, (float) c.rmsNormEps());
    }

    private void bias(CUdeviceptr y, int rows, int width, CUdeviceptr bias) {
        if (bias != null) {
            cu.launch("add_bias", grid((long) rows * width), 1, 1, BLOCK, 0, y, bias, rows, width);
        }
    }

    private static int grid(long elements) {
        return (int) Math.min(65_535, Math.max(1, (elements + BLOCK - 1) / BLOCK));
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    private static String suffix(DType t) {
        return switch (t) {
            case BF16 -> "bf16";
            case F16 -> "f16";
            case F32 -> "f32";
        };
    }

    // ---- scratch ---------------------------------------------------------------------------

    /**
     * One MoE layer's routing and budget decision in a pass (scores, kept flags, the experts and
     * weights the tokens finally use), kept per layer so a listening probe can read them all after
     * the pass: slices of the workspace's routing block at {@link RoutingLayout}'s offsets.
     */
    private record Routing(CUdeviceptr logits, CUdeviceptr probs, CUdeviceptr ids, CUdeviceptr weights,
                           CUdeviceptr scores, CUdeviceptr kept, CUdeviceptr usedIds, CUdeviceptr usedWeights) {
    }

    /**
     * Where one MoE layer's routing sits in the routing block for a pass of {@code tokens}, in 4-byte
     * words: the MoE layers one after another (all route over the model's n experts, top-k), each laid
     * out for the pass's own token count, so that what a probe needs is one contiguous prefix of the
     * block.
     */
    private record RoutingLayout(int logits, int probs, int ids, int weights, int scores, int kept, int usedIds,
                                 int usedWeights, int end) {
        static int words(int tokens, int n, int k) {
            return 2 * tokens * n + 4 * tokens * k + 2 * n;
        }

        static RoutingLayout at(int from, int tokens, int n, int k) {
            int logits = from;
            int probs = logits + tokens * n;
            int ids = probs + tokens * n;
            int weights = ids + tokens * k;
            int scores = weights + tokens * k;
            int kept = scores + n;
            int usedIds = kept + n;
            int usedWeights = usedIds + tokens * k;
            return new RoutingLayout(logits, probs, ids, weights, scores, kept, usedIds, usedWeights,
                    usedWeights + tokens * k);
        }
    }

    /** Device activations for up to {@code tokens} tokens, grown (doubling) when a longer batch arrives. */
    private final class Workspace {
        final int tokens;
        final int maskBytes;
        final List<CUdeviceptr> all = new ArrayList<>();
        final CUdeviceptr x, normed, delta, q, newKeys, newValues, step, context, gate, up, expertOut, shared, logits,
                tokenIds, mask;
        /** Split-key attention's parts: per token, head and split, [max, sum] and the products (tokens x splits <= MAX_ATT_SPLITS). */
        final CUdeviceptr attentionMaxSum, attentionParts;
        final CUdeviceptr tokenWeights, argmax, parentRows, parentProbs, work, workCount, expertStart, pairToken, pairWeight, slotPair;
        /** Every MoE layer's routing of a pass, laid out by {@link #layout}. */
        final CUdeviceptr routingBlock;
        /** Each layer's place among the MoE layers (-1: a dense layer), and their number. */
        private final int[] moeOrdinal;
        private final int moeLayers;

        /** Allocates it all or, when the device runs out of memory partway, nothing. */
        Workspace(int tokens, int maskBytes) {
            this.tokens = tokens;
            this.maskBytes = maskBytes;
            try {
                int d = c.hiddenSize();
                int k = Math.max(1, c.moe().map(m -> m.expertsPerToken()).orElse(1));
                int n = c.moe().map(m -> m.numExperts()).orElse(0);
                long f = Float.BYTES;
                long pairs = (long) tokens * k;
                x = mem(tokens * d * f);
                normed = mem(tokens * d * f);
                delta = mem(tokens * d * f);
                q = mem(tokens * c.queryDim() * f);
                newKeys = mem(tokens * c.kvDim() * f);
                newValues = mem(tokens * c.kvDim() * f);
                step = mem((tokens + 1) * 4L);   // the pass's first cache slot, then its token ids (tokenIds)
                context = mem(tokens * c.queryDim() * f);
                attentionMaxSum = mem((long) c.numHeads() * MAX_ATT_SPLITS * 2 * f);
                attentionParts = mem((long) c.queryDim() * MAX_ATT_SPLITS * f);
                gate = mem(pairs * widestFfn * f);
                up = mem(tokens * widestFfn * f);   // dense SwiGLU only: the experts' gate/up product fuses it
                expertOut = mem(pairs * d * f);
                shared = mem(tokens * d * f);
                logits = mem((long) tokens * c.vocabSize() * f);
                tokenIds = step.withByteOffset(Integer.BYTES);
                mask = mem(maskBytes);
                tokenWeights = mem(tokens * f);
                argmax = mem(tokens * 4L);
                parentRows = mem(tokens * 4L);
                parentProbs = mem(tokens * f);
                expertStart = mem((n + 1) * 4L);
                work = mem(2L * workItemBound((int) pairs, n, 1) * 4);   // tile 1 lists the most items
                workCount = mem(4);
                pairToken = mem(pairs * 4);
                pairWeight = mem(pairs * f);
                slotPair = mem(pairs * 4);
                moeOrdinal = new int[c.numLayers()];
                int ordinal = 0;
                for (int l = 0; l < moeOrdinal.length; l++) {
                    moeOrdinal[l] = layers.get(l).router() != null ? ordinal++ : -1;
                }
                moeLayers = ordinal;
                routingBlock = mem(routingWords(tokens) * 4L);
            } catch (RuntimeException e) {
                free();
                throw e;
            }
        }

        /** Layer {@code l}'s place in the routing block for a pass of {@code tokens} (MoE layers only). */
        RoutingLayout layout(int l, int tokens) {
            int n = c.moe().orElseThrow().numExperts();
            int k = c.moe().orElseThrow().expertsPerToken();
            return RoutingLayout.at(moeOrdinal[l] * RoutingLayout.words(tokens, n, k), tokens, n, k);
        }

        /** The words of every MoE layer's routing for a pass of {@code tokens}. */
        long routingWords(int tokens) {
            return c.moe().map(m -> (long) moeLayers * RoutingLayout.words(tokens, m.numExperts(), m.expertsPerToken()))
                    .orElse(0L);
        }

        /** Device slices of layer {@code l}'s routing for a pass of {@code tokens}. */
        Routing routing(int l, int tokens) {
            RoutingLayout at = layout(l, tokens);
            return new Routing(word(at.logits()), word(at.probs()), word(at.ids()), word(at.weights()),
                    word(at.scores()), word(at.kept()), word(at.usedIds()), word(at.usedWeights()));
        }

        private CUdeviceptr word(int index) {
            return routingBlock.withByteOffset(index * 4L);
        }

        private CUdeviceptr mem(long bytes) {
            CUdeviceptr p = cu.alloc(bytes, "activations for " + tokens + " tokens");
            all.add(p);
            return p;
        }

        void free() {
            all.forEach(CudaContext::free);
        }
    }

    private void ensureWorkspace(int tokens, int maskCols) {
        long maskBytes = (long) tokens * maskCols;
        if (ws != null && ws.tokens >= tokens && ws.maskBytes >= maskBytes) {
            return;
        }
        int t = Math.max(tokens, ws == null ? 16 : Math.min(2 * ws.tokens, Math.max(tokens, 128)));
        long m = Math.max(maskBytes, (long) t * t);
        if (ws != null) {
            cu.sync();
            ws.free();
        }
        ws = null;
        ws = new Workspace(t, (int) Math.min(Integer.MAX_VALUE, m));
    }

    private void freeAll() {
        if (ws != null) {
            ws.free();
            ws = null;
        }
        owned.forEach(CudaContext::free);
        owned.clear();
        freeRoutingHost();
    }

    private void freeRoutingHost() {
        CudaContext.freeHost(routingHost);
        routingHost = null;
        routingHostBytes = 0;
    }

    @Override
    public void close() {
        cu.bind();
        cu.sync();
        if (decodeGraph != null) {
            decodeGraph.graph().close();
            decodeGraph = null;
        }
        freeAll();
    }
}
