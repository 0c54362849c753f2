package org.specscope.engine.trace;

import org.specscope.engine.control.ControllerState;
import org.specscope.engine.session.Settings;

import java.util.List;

/**
 * Everything one speculative decoding step did, as one immutable record: the single source of
 * truth for every view and export.
 *
 * @param step        0-based step index within the run
 * @param settings    the settings in force for this step
 * @param tree        the draft tree, its verification and acceptance
 * @param layers      per MoE layer of the target, the verification pass's routing and budget
 * @param emittedIds  tokens this step added to the output (accepted drafts, then the bonus)
 * @param emittedText their text
 * @param timings     draft, verify and accept times on the run's clock
 * @param controller  the draft-length controller's state
 * @param expertBytes bytes of expert weights the verification pass read (all layers)
 * @param weightBytes bytes of all weights the verification pass read
 * @param quality     budgeted vs unbudgeted logits at the verified nodes, or null when not measured
 */
public record StepTrace(int step, Settings settings, TreeTrace tree, List<LayerTrace> layers, IntSeq emittedIds,
                        String emittedText, StepTimings timings, ControllerState controller, long expertBytes,
                        long weightBytes, VerificationQuality quality) {

    public StepTrace {
        layers = List.copyOf(layers);
    }

    /** Draft tokens accepted this step. */
    public int acceptedDrafts() {
        return tree.acceptedDrafts();
    }

    /** The draft length K this step ran with. */
    public int draftLength() {
        return controller.k();
    }

    /** B: experts kept per MoE layer, averaged over the layers; NaN for a model without MoE layers. */
    public double meanKeptExperts() {
        return layers.stream().mapToInt(l -> l.kept().size()).average().orElse(Double.NaN);
    }

    /** Distinct experts the tree's natural routing named, averaged over the MoE layers; NaN without any. */
    public double meanDistinctNatural() {
        return layers.stream().mapToInt(LayerTrace::distinctNatural).average().orElse(Double.NaN);
    }

    /** Distinct experts the verification pass ran, averaged over the MoE layers; NaN without any. */
    public double meanDistinctUsed() {
        return layers.stream().mapToInt(LayerTrace::distinctUsed).average().orElse(Double.NaN);
    }
}
