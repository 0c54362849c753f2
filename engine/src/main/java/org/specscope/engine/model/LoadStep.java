package org.specscope.engine.model;

/**
 * One report of a model load: what it is doing now, for a person ("mapping
 * model-00002-of-00003.safetensors", "checking tensors, layer 12/24"), and how many units of
 * the current stage are done.
 *
 * @param done  units of this stage finished, from 0 up to {@code total}
 * @param total units in this stage; 0 or less when the stage is one unit of unknown length
 */
public record LoadStep(String message, long done, long total) {

    /** The finished share of this stage, or -1 when unknown (an indeterminate bar). */
    public double fraction() {
        return total > 0 ? (double) done / total : -1;
    }
}
