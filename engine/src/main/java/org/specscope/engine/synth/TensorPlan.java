package org.specscope.engine.synth;

import org.specscope.engine.model.Architecture;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Every tensor of a synthetic checkpoint, under the names its family's Hugging Face class uses,
 * in the order they are written, each with how its values are made.
 */
final class TensorPlan {

    /** How a tensor's values are made. */
    enum Fill {
        /** RMSNorm weights: all 1. */
        ONES,
        /** N(0, 0.02^2). */
        NORMAL,
        /** N(0, 0.02^2) with the {@link RouterSubspace}'s marker and routing code on its first channels. */
        EMBEDDING,
        /** N(0, 0.02^2) with the routing subspace's rows zero: adds nothing to the subspace. */
        NORMAL_SUBSPACE_ROWS_ZERO,
        /**
         * Reads only the routing subspace: the layer's popularity on the marker, a random direction
         * per expert on the code.
         */
        ROUTER
    }

    /** One tensor to write; {@code layer} is -1 outside the decoder layers. */
    record Planned(Entry entry, Fill fill, int layer) {
    }

    private TensorPlan() {
    }

    static List<Planned> of(SyntheticShape s, DType dtype) {
        Architecture arch = s.architecture();
        long h = s.hiddenSize();
        long qd = s.queryDim();
        long kvd = s.kvDim();
        long w = s.expertIntermediateSize();
        Fill output = Fill.NORMAL_SUBSPACE_ROWS_ZERO;   // everything that writes to the residual stream
        List<Planned> out = new ArrayList<>();
        out.add(new Planned(Entry.of("model.embed_tokens.weight", dtype, s.vocabSize(), h),
                Fill.EMBEDDING, -1));
        for (int l = 0; l < s.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            String a = p + "self_attn.";
            out.add(new Planned(Entry.of(p + "input_layernorm.weight", dtype, h), Fill.ONES, l));
            out.add(new Planned(Entry.of(a + "q_proj.weight", dtype, qd, h), Fill.NORMAL, l));
            out.add(new Planned(Entry.of(a + "k_proj.weight", dtype, kvd, h), Fill.NORMAL, l));
            out.add(new Planned(Entry.of(a + "v_proj.weight", dtype, kvd, h), Fill.NORMAL, l));
            out.add(new Planned(Entry.of(a + "o_proj.weight", dtype, h, qd), output, l));
            switch (arch.qkNorm()) {
                case PER_HEAD -> {
                    out.add(new Planned(Entry.of(a + "q_norm.weight", dtype, s.headDim()), Fill.ONES, l));
                    out.add(new Planned(Entry.of(a + "k_norm.weight", dtype, s.headDim()), Fill.ONES, l));
                }
                case WHOLE_PROJECTION -> {
                    out.add(new Planned(Entry.of(a + "q_norm.weight", dtype, qd), Fill.ONES, l));
                    out.add(new Planned(Entry.of(a + "k_norm.weight", dtype, kvd), Fill.ONES, l));
                }
                case NONE -> { }
            }
            out.add(new Planned(Entry.of(p + "post_attention_layernorm.weight", dtype, h), Fill.ONES, l));
            boolean mixtral = arch == Architecture.MIXTRAL;
            String block = p + (mixtral ? "block_sparse_moe." : "mlp.");
            out.add(new Planned(Entry.of(block + "gate.weight", dtype, s.numExperts(), h),
                    Fill.ROUTER, l));
            for (int e = 0; e < s.numExperts(); e++) {
                String ep = block + "experts." + e + ".";
                out.add(new Planned(Entry.of(ep + (mixtral ? "w1" : "gate_proj") + ".weight", dtype, w, h), Fill.NORMAL, l));
                out.add(new Planned(Entry.of(ep + (mixtral ? "w2" : "down_proj") + ".weight", dtype, h, w), output, l));
                out.add(new Planned(Entry.of(ep + (mixtral ? "w3" : "up_proj") + ".weight", dtype, w, h), Fill.NORMAL, l));
            }
        }
        out.add(new Planned(Entry.of("model.norm.weight", dtype, h), Fill.ONES, -1));
        out.add(new Planned(Entry.of("lm_head.weight", dtype, s.vocabSize(), h), Fill.NORMAL, -1));
        return out;
    }
}
