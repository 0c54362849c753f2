package org.specscope.engine.trace;

import org.specscope.engine.session.Settings;

/**
 * What a trace file is about: written first, so that a replay knows the model's shape without
 * the model.
 *
 * @param schema        trace schema version ({@link #SCHEMA})
 * @param model         model directory name
 * @param architecture  e.g. "Qwen3MoeForCausalLM"
 * @param layers        decoder layers
 * @param numExperts    routed experts per MoE layer (0 for a dense model)
 * @param topK          experts per token
 * @param normalizeTopK whether the family renormalises top-k weights
 * @param expertBytes   bytes of one routed expert's weights
 * @param drafter       the drafter's description
 * @param backend       where the target ran ("cpu (2 threads)", "cuda: NVIDIA H100 ...")
 * @param clock         the clock timings come from
 * @param promptIds     the prompt's token ids
 * @param promptText    the prompt
 * @param settings      the settings at the start of the run
 * @param startedAt     ISO-8601 instant the run started
 */
public record RunHeader(int schema, String model, String architecture, int layers, int numExperts, int topK,
                        boolean normalizeTopK, long expertBytes, String drafter, String backend, String clock,
                        IntSeq promptIds, String promptText, Settings settings, String startedAt) {

    /** The trace schema this engine writes. Readers refuse newer schemas by name. */
    public static final int SCHEMA = 1;
}
