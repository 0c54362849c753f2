package org.specscope.engine.control;

/**
 * Chooses the draft length K of each speculative iteration: a fixed K, or Cascade's measured
 * choice. Called once per iteration: {@link #nextK()} before, {@link #record} after.
 */
public interface DraftLengthPolicy {

    /** The draft length for the coming iteration (0 = no speculation). */
    int nextK();

    /**
     * What the iteration that ran with {@code k} achieved.
     *
     * @param emittedTokens  tokens the iteration produced (accepted drafts + the bonus token)
     * @param iterationNanos its time, drafting included, as the controller's clock measured it
     */
    void record(int k, int emittedTokens, long iterationNanos);

    /** The state after the last {@link #record} (or before any). */
    ControllerState state();

    /** A policy that always answers {@code k}. */
    static DraftLengthPolicy fixed(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("draft length must be >= 0, got " + k);
        }
        ControllerState state = ControllerState.fixed(k);
        return new DraftLengthPolicy() {
            @Override
            public int nextK() {
                return k;
            }

            @Override
            public void record(int ranK, int emittedTokens, long iterationNanos) {
            }

            @Override
            public ControllerState state() {
                return state;
            }
        };
    }
}
