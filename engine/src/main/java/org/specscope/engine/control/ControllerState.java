package org.specscope.engine.control;

/**
 * A draft-length controller's state as of one iteration.
 *
 * @param k         the draft length this iteration ran with (0 = no speculation)
 * @param phase     what the controller was doing
 * @param utility   the latest measured speculation utility U (speedup over K = 0); NaN before any
 * @param setLength S, the length of the next set phase (doubles on every fall to K = 0)
 * @param baseNanos t_base, the measured non-speculative iteration time; 0 before any
 */
public record ControllerState(int k, ControllerPhase phase, double utility, int setLength, long baseNanos) {

    public static ControllerState fixed(int k) {
        return new ControllerState(k, ControllerPhase.FIXED, Double.NaN, 0, 0);
    }
}
