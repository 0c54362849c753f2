package org.specscope.engine.bench;

/**
 * One timed verification of a draft tree.
 *
 * @param nanos               wall time of the forward pass (logits for every node back on the host)
 * @param weightBytes         bytes of weights the pass read ({@link org.specscope.engine.spec.PassCostModel})
 * @param expertBytes         of them, routed experts' bytes (each distinct used expert once per layer)
 * @param flops               floating-point operations
 * @param meanDistinctExperts distinct experts run per MoE layer
 */
public record TreePass(long nanos, long weightBytes, long expertBytes, long flops, double meanDistinctExperts) {
}
