package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;

/**
 * What the user has picked out of the run, shared by every view (brushing and linking): a step,
 * an MoE layer, an expert and a node of the step's draft tree, each -1 when unset. A view that
 * shows one of them highlights it, and a click in a view picks what it can name.
 *
 * @param step   the step number (the timeline's index, step 0 being the prefill); -1 follows the newest
 * @param layer  the decoder layer number ({@link org.specscope.engine.trace.LayerTrace#layer()}),
 *               not the position among the MoE layers, so that every view names a layer alike
 * @param expert the expert's id within its layer
 * @param node   a node of {@code step}'s draft tree as the tree view draws it (the bonus token
 *               being the tree's size); a node names nothing without a step, so it is dropped
 *               while following the newest
 */
public record TraceFocus(int step, int layer, int expert, int node) {

    /** Nothing picked, following the newest step. */
    public static final TraceFocus NONE = new TraceFocus(-1, -1, -1, -1);

    public TraceFocus {
        step = Math.max(-1, step);
        layer = Math.max(-1, layer);
        expert = Math.max(-1, expert);
        node = step < 0 ? -1 : Math.max(-1, node);
    }

    /** Only a step; -1 follows the newest. */
    public static TraceFocus ofStep(int step) {
        return NONE.withStep(step);
    }

    /**
     * The same pick at {@code step}: layer and expert name the same thing in every step and stay,
     * a node belongs to its step's tree and is dropped when the step changes.
     */
    public TraceFocus withStep(int step) {
        return new TraceFocus(step, layer, expert, step == this.step ? node : -1);
    }

    /** A layer and an expert (either -1), the step and node kept. */
    public TraceFocus withLayerExpert(int layer, int expert) {
        return new TraceFocus(step, layer, expert, node);
    }

    /** A layer, the step and node kept; the expert only when the layer stays (an expert id is its layer's). */
    public TraceFocus withLayer(int layer) {
        return new TraceFocus(step, layer, layer == this.layer ? expert : -1, node);
    }

    /** Node {@code node} of {@code step}'s draft tree, the layer and expert kept. */
    public TraceFocus withNode(int step, int node) {
        return new TraceFocus(step, layer, expert, node);
    }

    /** The step kept, the rest unset. */
    public TraceFocus cleared() {
        return ofStep(step);
    }

    public boolean hasLayer() {
        return layer >= 0;
    }

    public boolean hasExpert() {
        return expert >= 0;
    }

    public boolean hasNode() {
        return node >= 0;
    }

    /** "step 12 · layer 3 · expert 17 · node 5", leaving out what is unset; "newest step" for step -1. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(step < 0 ? "newest step" : "step " + step);
        if (hasLayer()) {
            parts.add("layer " + layer);
        }
        if (hasExpert()) {
            parts.add("expert " + expert);
        }
        if (hasNode()) {
            parts.add("node " + node);
        }
        return String.join(" \u00b7 ", parts);
    }
}
