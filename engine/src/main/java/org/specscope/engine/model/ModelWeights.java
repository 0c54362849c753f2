package org.specscope.engine.model;

import org.specscope.engine.model.safetensors.TensorSource;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint's tensors bound to the structure of the forward pass: every tensor the config
 * calls for, found under its family's name and checked against the shape the config implies,
 * so that the forward pass never meets a surprise. Views only: nothing is copied.
 *
 * @param lmHead the output projection; the embedding table itself when embeddings are tied
 */
public record ModelWeights(Tensor embedTokens, List<LayerWeights> layers, Tensor finalNorm, Tensor lmHead) {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** A SwiGLU MLP, down(silu(gate(x)) * up(x)): one routed expert, a shared expert or a dense layer's MLP. */
    public record SwiGlu(Tensor gate, Tensor up, Tensor down) {
        public long byteSize() {
            return gate.data().byteSize() + up.data().byteSize() + down.data().byteSize();
        }
    }

    /** Attention projections. Biases and q/k norms are null where the family has none. */
    public record Attention(Tensor q, Tensor k, Tensor v, Tensor o,
                            Tensor qBias, Tensor kBias, Tensor vBias, Tensor oBias,
                            Tensor qNorm, Tensor kNorm) {
    }

    /** The feed-forward half of a decoder layer. */
    public sealed interface FeedForward permits Dense, Moe {
    }

    public record Dense(SwiGlu mlp) implements FeedForward {
    }

    /**
     * @param router       [experts, hidden]: one routing logit per expert
     * @param sharedExpert Qwen2-MoE's always-on expert, gated by sigmoid(sharedGate . x); null elsewhere
     */
    public record Moe(Tensor router, List<SwiGlu> experts, SwiGlu sharedExpert, Tensor sharedGate)
            implements FeedForward {
        public Moe {
            experts = List.copyOf(experts);
        }
    }

    public record LayerWeights(Tensor inputNorm, Attention attention, Tensor postAttentionNorm, FeedForward ffn) {
    }

    /** Binds and validates every tensor the config calls for. */
    public static ModelWeights bind(ModelConfig c, TensorSource src) {
        return bind(c, src, LoadMonitor.NONE);
    }

    /** {@link #bind(ModelConfig, TensorSource)}, telling {@code monitor} layer by layer (a unit it can stop between). */
    public static ModelWeights bind(ModelConfig c, TensorSource src, LoadMonitor monitor) {
        long h = c.hiddenSize();
        long v = c.vocabSize();
        int n = c.numLayers();
        Tensor embed = weight(src, "model.embed_tokens.weight", v, h);
        List<LayerWeights> layers = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            monitor.step("checking tensors, layer " + l + "/" + n, l, n);
            layers.add(layer(c, src, l));
        }
        Tensor norm = weight(src, "model.norm.weight", h);
        Tensor lmHead = c.tieWordEmbeddings() ? embed : weight(src, "lm_head.weight", v, h);
        monitor.step("checked the tensors of " + n + " layers", n, n);
        return new ModelWeights(embed, layers, norm, lmHead);
    }

    private static LayerWeights layer(ModelConfig c, TensorSource src, int l) {
        String p = "model.layers." + l + ".";
        long h = c.hiddenSize();
        long qd = c.queryDim();
        long kvd = c.kvDim();
        String a = p + "self_attn.";
        Tensor qNorm = null;
        Tensor kNorm = null;
        switch (c.qkNorm()) {
            case PER_HEAD -> {
                qNorm = weight(src, a + "q_norm.weight", c.headDim());
                kNorm = weight(src, a + "k_norm.weight", c.headDim());
            }
            case WHOLE_PROJECTION -> {
                qNorm = weight(src, a + "q_norm.weight", qd);
                kNorm = weight(src, a + "k_norm.weight", kvd);
            }
            case NONE -> { }
        }
        Attention attention = new Attention(
                weight(src, a + "q_proj.weight", qd, h),
                weight(src, a + "k_proj.weight", kvd, h),
                weight(src, a + "v_proj.weight", kvd, h),
                weight(src, a + "o_proj.weight", h, qd),
                c.qkvBias() ? weight(src, a + "q_proj.bias", qd) : null,
                c.qkvBias() ? weight(src, a + "k_proj.bias", kvd) : null,
                c.qkvBias() ? weight(src, a + "v_proj.bias", kvd) : null,
                c.outputBias() ? weight(src, a + "o_proj.bias", h) : null,
                qNorm, kNorm);
        FeedForward ffn = c.isSparseLayer(l) ? moe(c, src, p) : new Dense(swiGlu(src, p + "mlp.", "gate_proj",
                "up_proj", "down_proj", c.intermediateSize(), h));
        return new LayerWeights(weight(src, p + "input_layernorm.weight", h), attention,
                weight(src, p + "post_attention_layernorm.weight", h), ffn);
    }

    private static Moe moe(ModelConfig c, TensorSource src, String p) {
        MoeConfig m = c.moe().orElseThrow();
        long h = c.hiddenSize();
        boolean mixtral = c.architecture() == Architecture.MIXTRAL;
        String block = p + (mixtral ? "block_sparse_moe." : "mlp.");
        Tensor router = weight(src, block + "gate.weight", m.numExperts(), h);
        List<SwiGlu> experts = new ArrayList<>(m.numExperts());
        for (int e = 0; e < m.numExperts(); e++) {
            String ep = block + "experts." + e + ".";
            experts.add(mixtral
                    ? swiGlu(src, ep, "w1", "w3", "w2", m.expertIntermediateSize(), h)
                    : swiGlu(src, ep, "gate_proj", "up_proj", "down_proj", m.expertIntermediateSize(), h));
        }
        SwiGlu shared = null;
        Tensor sharedGate = null;
        if (m.hasSharedExpert()) {
            shared = swiGlu(src, block + "shared_expert.", "gate_proj", "up_proj", "down_proj",
                    m.sharedExpertIntermediateSize(), h);
            sharedGate = weight(src, block + "shared_expert_gate.weight", 1, h);
        }
        return new Moe(router, experts, shared, sharedGate);
    }

    private static SwiGlu swiGlu(TensorSource src, String prefix, String gate, String up, String down,
                                 long width, long hidden) {
        return new SwiGlu(
                weight(src, prefix + gate + ".weight", width, hidden),
                weight(src, prefix + up + ".weight", width, hidden),
                weight(src, prefix + down + ".weight", hidden, width));
    }

    /** A tensor of exactly this shape; {@link TensorSource#require} names the file on any mismatch. */
    private static Tensor weight(TensorSource src, String name, long... shape) {
        return src.require(name, shape);
    }

    /** Bytes of all weights bound (a tied head is counted once). */
    public long byteSize() {
        return tensors(Integer.MAX_VALUE).stream().mapToLong(t -> t.data().byteSize()).sum();
    }

    /** Parameters (elements) of all weights bound; a tied head is counted once. */
    public long parameterCount() {
        return activeParameterCount(Integer.MAX_VALUE);
    }

    /**
     * Parameters one token computes with: everything but the routed experts, plus {@code topK}
     * routed experts per MoE layer. Embeddings count whole, as model cards count them (Qwen3-30B-A3B's
     * "3.3B activated").
     */
    public long activeParameterCount(int topK) {
        return tensors(topK).stream().mapToLong(Tensor::elementCount).sum();
    }

    /**
     * Every bound tensor once, with at most {@code routedExpertsPerLayer} routed experts per MoE
     * layer (experts of a layer all have the same shape, so which ones does not matter).
     */
    private List<Tensor> tensors(int routedExpertsPerLayer) {
        List<Tensor> all = new ArrayList<>(List.of(embedTokens, finalNorm));
        if (lmHead != embedTokens) {
            all.add(lmHead);
        }
        for (LayerWeights l : layers) {
            Attention a = l.attention();
            for (Tensor t : new Tensor[]{l.inputNorm(), l.postAttentionNorm(), a.q(), a.k(), a.v(), a.o(), a.qBias(),
                    a.kBias(), a.vBias(), a.oBias(), a.qNorm(), a.kNorm()}) {
                if (t != null) {
                    all.add(t);
                }
            }
            switch (l.ffn()) {
                case Dense d -> addAll(all, d.mlp());
                case Moe m -> {
                    all.add(m.router());
                    m.experts().stream().limit(routedExpertsPerLayer).forEach(e -> addAll(all, e));
                    if (m.sharedExpert() != null) {
                        addAll(all, m.sharedExpert());
                        all.add(m.sharedGate());
                    }
                }
            }
        }
        return all;
    }

    private static void addAll(List<Tensor> into, SwiGlu mlp) {
        into.add(mlp.gate());
        into.add(mlp.up());
        into.add(mlp.down());
    }

    /** The dtype of the bulk of the weights (the embedding table's). */
    public DType dtype() {
        return embedTokens.dtype();
    }

    /** Experts of layer {@code layer}, or empty for a dense layer. */
    public Optional<Moe> moe(int layer) {
        return layers.get(layer).ffn() instanceof Moe m ? Optional.of(m) : Optional.empty();
    }
}
