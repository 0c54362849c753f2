package org.specscope.engine.spec;

/**
 * What forward passes read and computed: the currency of cost-model clocks.
 *
 * @param weightBytes bytes of weights streamed from memory (each expert once per pass)
 * @param flops       floating-point operations (2 per multiply-add)
 * @param passes      forward passes (each pays a launch/synchronisation overhead on a device)
 */
public record PassCost(long weightBytes, long flops, int passes) {

    public static final PassCost ZERO = new PassCost(0, 0, 0);

    public PassCost plus(PassCost other) {
        return new PassCost(weightBytes + other.weightBytes, flops + other.flops, passes + other.passes);
    }
}
