package org.specscope.engine.moe;

/**
 * A listener at the routing probe point of every MoE layer (llama.cpp's ffn_moe_logits,
 * ffn_moe_probs, ffn_moe_topk, ffn_moe_weights). The forward pass builds a {@link LayerRouting}
 * only when {@link #isListening()} is true, so {@link #NONE} costs nothing.
 */
public interface MoeProbe {

    /** Nobody listens: no routing record is built. */
    MoeProbe NONE = new MoeProbe() {
        @Override
        public boolean isListening() {
            return false;
        }

        @Override
        public void onRouting(LayerRouting routing) {
        }
    };

    default boolean isListening() {
        return true;
    }

    /** Called on the thread running the forward pass, once per MoE layer per pass, in layer order. */
    void onRouting(LayerRouting routing);
}
