package org.specscope.engine.bench;

/** How the tokens of a timed verification pass route to experts. */
public enum BatchRouting {

    /** A causal chain of text tokens: each token goes where the model's routers send it. */
    NATURAL,

    /**
     * One token repeated at one position, every copy seeing only the context and itself (siblings
     * in a draft tree): identical hidden states, so every copy routes to the same experts in every
     * layer and each expert's weights are read once for all of them. The best case for batching.
     */
    SAME_EXPERTS;

    /** Lower case with a space, as printed. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
