package org.specscope.engine.spec;

import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.model.ModelWeights;
import org.specscope.engine.model.ModelWeights.Attention;
import org.specscope.engine.model.ModelWeights.Dense;
import org.specscope.engine.model.ModelWeights.LayerWeights;
import org.specscope.engine.model.ModelWeights.Moe;
import org.specscope.engine.model.ModelWeights.SwiGlu;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one forward pass of a model reads and computes, from the bound weights and what its
 * routers chose. The point of an MoE pass's cost is that it depends on routing: a verification
 * pass over K + 1 tokens reads every distinct expert those tokens use, so its bytes grow with K
 * (and shrink under an expert budget) while a dense model's barely move.
 * <p>
 * Bytes are weights streamed from memory, each tensor once per pass: per layer the norms,
 * attention projections (with biases and q/k norms), and either the dense MLP or the router,
 * shared expert and its gate, and each distinct routed expert used; the embedding rows of the
 * pass's tokens; and, when the pass computes logits, the final norm and the whole LM head. The
 * KV cache is not counted (it is not weights).
 * <p>
 * FLOPs are 2 per multiply-add of the matrix products: every token through the attention
 * projections, router, shared expert and gate or dense MLP; every (token, used expert) pair
 * through that expert; every logit row through the LM head; and attention itself, 4 x tokens x
 * attended keys x query width per layer (scores and the weighted sum of values). Norms, biases
 * and activations are left out: they are elementwise and small beside the products.
 */
public final class PassCostModel {

    private final ModelConfig config;
    private final long[] layerBytes;         // everything a layer reads whatever the routing
    private final long[] layerParams;        // matrix parameters every token multiplies with
    private final boolean[] moeLayer;
    private final long[] expertBytes;        // one routed expert; 0 for dense layers
    private final long[] expertParams;
    private final long embeddingRowBytes;
    private final long headBytes;            // final norm + LM head
    private final long headParams;

    public PassCostModel(ModelConfig config, ModelWeights weights) {
        if (weights.layers().size() != config.numLayers()) {
            throw new IllegalArgumentException("weights have " + weights.layers().size() + " layers, config "
                    + config.numLayers());
        }
        this.config = config;
        int n = config.numLayers();
        layerBytes = new long[n];
        layerParams = new long[n];
        moeLayer = new boolean[n];
        expertBytes = new long[n];
        expertParams = new long[n];
        for (int l = 0; l < n; l++) {
            LayerWeights layer = weights.layers().get(l);
            Attention a = layer.attention();
            List<Tensor> read = new ArrayList<>(List.of(layer.inputNorm(), layer.postAttentionNorm()));
            addPresent(read, a.q(), a.k(), a.v(), a.o(), a.qBias(), a.kBias(), a.vBias(), a.oBias(), a.qNorm(),
                    a.kNorm());
            List<Tensor> matrices = new ArrayList<>(List.of(a.q(), a.k(), a.v(), a.o()));
            switch (layer.ffn()) {
                case Dense d -> {
                    addMlp(read, d.mlp());
                    addMlp(matrices, d.mlp());
                }
                case Moe m -> {
                    moeLayer[l] = true;
                    read.add(m.router());
                    matrices.add(m.router());
                    if (m.sharedExpert() != null) {
                        addMlp(read, m.sharedExpert());
                        addMlp(matrices, m.sharedExpert());
                        read.add(m.sharedGate());
                        matrices.add(m.sharedGate());
                    }
                    // Experts of a layer all have one shape (ModelWeights checks it).
                    SwiGlu expert = m.experts().getFirst();
                    expertBytes[l] = expert.byteSize();
                    expertParams[l] = expert.gate().elementCount() + expert.up().elementCount()
                            + expert.down().elementCount();
                }
            }
            layerBytes[l] = read.stream().mapToLong(t -> t.data().byteSize()).sum();
            layerParams[l] = matrices.stream().mapToLong(Tensor::elementCount).sum();
        }
        Tensor embed = weights.embedTokens();
        embeddingRowBytes = embed.data().byteSize() / embed.dim(0);
        headBytes = weights.finalNorm().data().byteSize() + weights.lmHead().data().byteSize();
        headParams = weights.lmHead().elementCount();
    }

    public static PassCostModel of(Model model) {
        return new PassCostModel(model.config(), model.weights());
    }

    /**
     * One forward pass.
     *
     * @param tokens        tokens the pass computes (1 for a plain decode step, K + 1 to verify K drafts)
     * @param logitRows     rows projected to logits (0 = none: the LM head is not read)
     * @param contextLength keys each token attends to: the cached positions plus this pass's
     *                      (capped by a sliding window)
     * @param moeRouting    what the router chose in every MoE layer of this pass, one entry each
     * @throws IllegalArgumentException if an MoE layer's routing is missing, repeated, names a dense
     *                                  layer, or covers a different number of tokens
     */
    public PassCost cost(int tokens, int logitRows, int contextLength, List<LayerRouting> moeRouting) {
        if (tokens < 0 || logitRows < 0 || logitRows > tokens || contextLength < 0) {
            throw new IllegalArgumentException("a pass needs tokens >= 0, 0 <= logitRows <= tokens and contextLength"
                    + " >= 0; got " + tokens + " tokens, " + logitRows + " logit rows, context " + contextLength);
        }
        LayerRouting[] routing = routingByLayer(tokens, moeRouting);
        long keys = config.slidingWindow() > 0 ? Math.min(contextLength, config.slidingWindow()) : contextLength;
        long bytes = tokens * embeddingRowBytes;
        long flops = 0;
        for (int l = 0; l < layerBytes.length; l++) {
            bytes += layerBytes[l];
            flops += 2L * tokens * layerParams[l] + 4L * tokens * keys * config.queryDim();
            LayerRouting r = routing[l];
            if (r != null) {
                bytes += r.distinctUsedExperts() * expertBytes[l];
                flops += 2L * usedSlots(r) * expertParams[l];
            }
        }
        if (logitRows > 0) {
            bytes += headBytes;
            flops += 2L * logitRows * headParams;
        }
        return new PassCost(bytes, flops, 1);
    }

    /** A pass of a model without MoE layers (a dense draft model). */
    public PassCost denseCost(int tokens, int logitRows, int contextLength) {
        for (int l = 0; l < moeLayer.length; l++) {
            if (moeLayer[l]) {
                throw new IllegalArgumentException("layer " + l + " is an MoE layer: a pass of this model costs what"
                        + " its routing used; call cost(tokens, logitRows, contextLength, routing)");
            }
        }
        return cost(tokens, logitRows, contextLength, List.of());
    }

    /** Bytes of one routed expert of {@code layer}; 0 for a dense layer. */
    public long expertBytes(int layer) {
        checkLayer(layer);
        return expertBytes[layer];
    }

    private LayerRouting[] routingByLayer(int tokens, List<LayerRouting> moeRouting) {
        LayerRouting[] byLayer = new LayerRouting[layerBytes.length];
        for (LayerRouting r : moeRouting) {
            int l = r.layer();
            checkLayer(l);
            if (!moeLayer[l]) {
                throw new IllegalArgumentException("routing given for layer " + l + ", which is dense");
            }
            if (byLayer[l] != null) {
                throw new IllegalArgumentException("routing for MoE layer " + l + " is given twice");
            }
            if (r.tokens() != tokens) {
                throw new IllegalArgumentException("routing for MoE layer " + l + " covers " + r.tokens()
                        + " tokens but the pass has " + tokens);
            }
            byLayer[l] = r;
        }
        for (int l = 0; l < byLayer.length; l++) {
            if (moeLayer[l] && byLayer[l] == null) {
                throw new IllegalArgumentException("no routing for MoE layer " + l + " (routing given for layers "
                        + moeRouting.stream().map(r -> String.valueOf(r.layer())).collect(Collectors.joining(", ", "[", "]"))
                        + "); an MoE pass's cost depends on the experts its tokens used");
            }
        }
        return byLayer;
    }

    /** (token, expert) pairs that ran: truncation under a budget drops some (id -1). */
    private static long usedSlots(LayerRouting r) {
        long used = 0;
        for (int t = 0; t < r.tokens(); t++) {
            for (int rank = 0; rank < r.topK(); rank++) {
                if (r.usedExpertId(t, rank) >= 0) {
                    used++;
                }
            }
        }
        return used;
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= layerBytes.length) {
            throw new IllegalArgumentException("layer " + layer + " is outside 0.." + (layerBytes.length - 1));
        }
    }

    private static void addPresent(List<Tensor> into, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                into.add(t);
            }
        }
    }

    private static void addMlp(List<Tensor> into, SwiGlu mlp) {
        into.add(mlp.gate());
        into.add(mlp.up());
        into.add(mlp.down());
    }
}
