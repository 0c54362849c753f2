package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.session.Settings;
import org.specscope.engine.trace.StepTrace;

/**
 * A Cascade run built on {@link Traces}' steps: the prefill (fixed, K = 0), two baseline K = 0
 * iterations, four test iterations, a set phase of S = 4, a fall to K = 0 (S doubles to 8) and a
 * second set phase. The settings change twice: the budget at step 5 and Cascade's tree at step 9.
 */
final class CascadeTraces {

    static final Settings FIRST = Traces.SETTINGS.withCascade(true);
    static final Settings SECOND = FIRST.withFixedBudget(6);
    static final Settings THIRD = SECOND.withTree(org.specscope.engine.spec.TreeShape.chain(6));

    /** Steps 0..13: phase, K, U (NaN: not measured yet), S. */
    static final Object[][] PLAN = {
            {ControllerPhase.FIXED, 0, Double.NaN, 0},
            {ControllerPhase.BASELINE, 0, Double.NaN, 4},
            {ControllerPhase.BASELINE, 0, Double.NaN, 4},
            {ControllerPhase.TEST, 1, 1.10, 4},
            {ControllerPhase.TEST, 1, 1.14, 4},
            {ControllerPhase.TEST, 2, 1.32, 4},
            {ControllerPhase.TEST, 2, 1.28, 4},
            {ControllerPhase.SET, 2, 1.30, 4},
            {ControllerPhase.SET, 2, 1.25, 4},
            {ControllerPhase.SET, 2, 0.92, 4},
            {ControllerPhase.SET, 2, 0.85, 4},
            {ControllerPhase.TEST, 1, 0.95, 8},
            {ControllerPhase.SET, 0, 1.00, 8},
            {ControllerPhase.SET, 0, 1.00, 8},
    };

    private CascadeTraces() {
    }

    static Settings settingsAt(int step) {
        return step < 5 ? FIRST : step < 9 ? SECOND : THIRD;
    }

    static List<StepTrace> steps() {
        List<StepTrace> out = new ArrayList<>();
        List<StepTrace> base = Traces.steps();
        for (int i = 0; i < PLAN.length; i++) {
            Object[] p = PLAN[i];
            ControllerState c = new ControllerState((int) p[1], (ControllerPhase) p[0], (double) p[2], (int) p[3],
                    i == 0 ? 0 : 1_000_000L);
            out.add(with(base.get(Math.min(i, 2) == 0 ? 0 : 1 + i % 2), i, settingsAt(i), c));
        }
        return out;
    }

    /** {@code s} renumbered to {@code step}, under other settings and controller state. */
    static StepTrace with(StepTrace s, int step, Settings settings, ControllerState controller) {
        return new StepTrace(step, settings, s.tree(), s.layers(), s.emittedIds(), s.emittedText(), s.timings(),
                controller, s.expertBytes(), s.weightBytes(), s.quality());
    }
}
