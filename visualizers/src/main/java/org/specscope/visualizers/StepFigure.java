package org.specscope.visualizers;

import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;

import java.util.ArrayList;
import java.util.List;

/**
 * A figure of one step at a time: it keeps the run's steps, the selected index (-1 follows the
 * newest), the focus to highlight, the theme and the steps where the settings changed, and says
 * which step to show. The figures that draw a single step (draft tree, distinct experts, expert
 * heatmap) extend it and add their own model.
 */
public abstract class StepFigure extends AbstractTraceFigure {

    protected final List<StepTrace> steps = new ArrayList<>();
    protected int selected = -1;
    protected final SettingsChanges changes = new SettingsChanges();

    @Override
    public void start(RunHeader header) {
        steps.clear();
        changes.clear();
        selected = -1;
    }

    @Override
    public void append(StepTrace step) {
        steps.add(step);
        changes.add(step);
    }

    @Override
    public void select(int index) {
        selected = index;
    }

    int selected() {
        return selected;
    }

    /** The index of the step to show: the selected one, else the newest; -1 before any step. */
    int shownIndex() {
        if (steps.isEmpty()) {
            return -1;
        }
        return selected >= 0 && selected < steps.size() ? selected : steps.size() - 1;
    }

    /** The step to show, or null before any step. */
    StepTrace stepToShow() {
        int i = shownIndex();
        return i < 0 ? null : steps.get(i);
    }

    /** The settings change at {@code step}, or null when its settings stayed (or for no step). */
    SettingsChange changeAt(StepTrace step) {
        return step == null ? null : changes.at(step.step());
    }

    /**
     * The caption of a figure of the shown step's drafts, e.g. "step 3 (newest) · 5 drafts, 2
     * accepted", with a settings change at it; "no step yet" before any.
     */
    String draftsCaption() {
        StepTrace step = stepToShow();
        if (step == null) {
            return "no step yet";
        }
        return markingChange("step " + step.step() + (selected < 0 ? " (newest)" : "") + " \u00b7 "
                + step.tree().draftNodes() + " drafts, " + step.acceptedDrafts() + " accepted", step);
    }

    /** {@code caption} with the settings change at {@code step} told after it, when there is one. */
    String markingChange(String caption, StepTrace step) {
        SettingsChange change = changeAt(step);
        return change == null ? caption : caption + " \u00b7 " + change.atThisStep();
    }
}
