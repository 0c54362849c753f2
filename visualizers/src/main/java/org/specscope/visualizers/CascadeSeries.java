package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.trace.StepTrace;

/**
 * What the Cascade view plots, read from the steps' records alone: per step the controller's
 * utility U, the draft length K it ran with, the set length S and its phase; the runs of equal
 * phase (the shaded bands); and the steps whose settings differ from the previous step's (the
 * flags, found by {@link SettingsChanges}). No JavaFX: the tests check it against the records directly.
 */
final class CascadeSeries {

    /** Consecutive steps {@code from}..{@code to} (inclusive, step numbers) in one controller phase. */
    record PhaseBand(int from, int to, ControllerPhase phase) {

        int length() {
            return to - from + 1;
        }
    }

    private final List<Integer> steps = new ArrayList<>();
    private final List<ControllerState> states = new ArrayList<>();
    private final List<PhaseBand> bands = new ArrayList<>();
    private final SettingsChanges changes = new SettingsChanges();
    private int maxK;
    private double maxUtility = Double.NaN;

    void clear() {
        steps.clear();
        states.clear();
        bands.clear();
        changes.clear();
        maxK = 0;
        maxUtility = Double.NaN;
    }

    /** Adds the next step (steps come in order). */
    void add(StepTrace step) {
        ControllerState c = step.controller();
        steps.add(step.step());
        states.add(c);
        maxK = Math.max(maxK, c.k());
        if (!Double.isNaN(c.utility()) && !(c.utility() <= maxUtility)) {
            maxUtility = c.utility();
        }
        // A band grows while the phase stays; a new phase opens a new band.
        int last = bands.size() - 1;
        if (last >= 0 && bands.get(last).phase() == c.phase() && bands.get(last).to() == step.step() - 1) {
            bands.set(last, new PhaseBand(bands.get(last).from(), step.step(), c.phase()));
        } else {
            bands.add(new PhaseBand(step.step(), step.step(), c.phase()));
        }
        changes.add(step);
    }

    int size() {
        return steps.size();
    }

    /** The step number of the {@code i}-th step added. */
    int step(int i) {
        return steps.get(i);
    }

    /** U at the {@code i}-th step; NaN before the controller measured any. */
    double utility(int i) {
        return states.get(i).utility();
    }

    int k(int i) {
        return states.get(i).k();
    }

    /** S, the length of the next set phase. */
    int setLength(int i) {
        return states.get(i).setLength();
    }

    ControllerPhase phase(int i) {
        return states.get(i).phase();
    }

    ControllerState state(int i) {
        return states.get(i);
    }

    List<PhaseBand> bands() {
        return Collections.unmodifiableList(bands);
    }

    List<SettingsChange> settingsChanges() {
        return changes.all();
    }

    /** The largest K run so far (0 before any step). */
    int maxK() {
        return maxK;
    }

    /** The largest U measured so far; NaN before any. */
    double maxUtility() {
        return maxUtility;
    }

    /** The first step number, or 0 before any step. */
    int firstStep() {
        return steps.isEmpty() ? 0 : steps.get(0);
    }

    /** The last step number, or 0 before any step. */
    int lastStep() {
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1);
    }

    /** The index of step number {@code step}, or -1 when it was not added. */
    int indexOf(int step) {
        int i = step - firstStep();
        return i >= 0 && i < steps.size() && steps.get(i) == step ? i : steps.indexOf(step);
    }
}
