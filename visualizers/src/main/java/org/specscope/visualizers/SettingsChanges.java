package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.specscope.engine.trace.StepTrace;

/**
 * The steps of a run whose settings differ from the previous step's, found as the steps come
 * in: the one place every view learns where to mark a settings change. The first step of a run
 * is never a change, whatever the last run ran. No JavaFX.
 */
final class SettingsChanges {

    private final List<SettingsChange> changes = new ArrayList<>();
    private StepTrace last;

    /** The changes in {@code steps} (in order). */
    static SettingsChanges of(List<StepTrace> steps) {
        SettingsChanges c = new SettingsChanges();
        steps.forEach(c::add);
        return c;
    }

    void clear() {
        changes.clear();
        last = null;
    }

    /** Adds the next step (steps come in order); returns its change, or null when its settings stayed. */
    SettingsChange add(StepTrace step) {
        SettingsChange change = SettingsChange.between(last, step);
        if (change != null) {
            changes.add(change);
        }
        last = step;
        return change;
    }

    /** Every change so far, in step order. */
    List<SettingsChange> all() {
        return Collections.unmodifiableList(changes);
    }

    /** The change at step number {@code step}, or null when its settings stayed. */
    SettingsChange at(int step) {
        for (SettingsChange c : changes) {   // a handful per run: a scan is enough
            if (c.step() == step) {
                return c;
            }
        }
        return null;
    }

    /**
     * The changes a window of steps {@code from}..{@code to} (step numbers, inclusive) spans:
     * those after its first step, up to its last. A change at the first step lies before the
     * window, which then ran one setting throughout.
     */
    List<SettingsChange> within(int from, int to) {
        List<SettingsChange> out = new ArrayList<>();
        for (SettingsChange c : changes) {
            if (c.step() > from && c.step() <= to) {
                out.add(c);
            }
        }
        return out;
    }
}
