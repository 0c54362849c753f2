package org.specscope.engine.control;

/** Where a draft-length controller stands in an iteration. */
public enum ControllerPhase {
    /** K is fixed by the settings: no controller. */
    FIXED,
    /** Cascade runs K = 0 iterations to measure t_base, the non-speculative iteration time. */
    BASELINE,
    /** Cascade tries candidate K values for a few iterations each. */
    TEST,
    /** Cascade runs the chosen K for S iterations. */
    SET
}
