package org.specscope.engine.trace;

import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.session.Settings;

import java.util.List;

/**
 * One hand-built step whose every derived number is known, for the summary writers' tests:
 * a 3-node chain (2 drafts, both accepted) over two MoE layers of 8 experts, top-2, budget
 * B=4 substitute. Layer 0 keeps 4 experts, names 5 naturally and runs 4 (one slot truncated);
 * layer 1 keeps 6 and names and runs 2. So B = 5, distinct natural 3.5, distinct used 3.
 */
final class TraceSteps {

    static final Settings SETTINGS = Settings.defaults().withBudget(ExpertBudget.fixed(4, CoveragePolicy.SUBSTITUTE));

    private TraceSteps() {
    }

    static StepTrace known(int step, StepTimings timings, double utility, VerificationQuality quality) {
        TreeTrace tree = new TreeTrace(IntSeq.of(10, 11, 12), List.of("a", "b", "c"), IntSeq.of(-1, 0, 1),
                FloatSeq.of(1, 0.9f, 0.8f), FloatSeq.of(1, 0.7f, 0.6f), IntSeq.of(11, 12, 13), IntSeq.of(0, 1, 2), 13, "d");
        LayerTrace layer0 = new LayerTrace(0, 8, 2, IntSeq.of(0, 1, 1, 4, 2, 3), weights(6), IntSeq.of(0, 1, 1, -1, 2, 3),
                weights(6), weights(8), weights(8), IntSeq.of(0, 1, 2, 3), true, 4_000_000);
        LayerTrace layer1 = new LayerTrace(1, 8, 2, IntSeq.of(0, 1, 0, 1, 0, 1), weights(6), IntSeq.of(0, 1, 0, 1, 0, 1),
                weights(6), weights(8), weights(8), IntSeq.of(0, 1, 2, 3, 4, 5), true, 6_000_000);
        return new StepTrace(step, SETTINGS, tree, List.of(layer0, layer1), IntSeq.of(11, 12, 13), "bcd", timings,
                new ControllerState(2, ControllerPhase.SET, utility, 8, 20_000_000), 10_000_000, 250_000_000, quality);
    }

    static RunHeader header() {
        return new RunHeader(RunHeader.SCHEMA, "Qwen3-tiny", "Qwen3MoeForCausalLM", 2, 8, 2, true, 1_000_000,
                "chain drafter", "cpu (2 threads)", "wall", IntSeq.of(1, 2, 3), "Hi", SETTINGS, "2025-06-01T12:00:00Z");
    }

    private static FloatSeq weights(int n) {
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f / n);
        return FloatSeq.of(w);
    }
}
