package org.specscope.visualizers;

import javafx.scene.Node;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;

/**
 * A view of a run that reads trace records only: the app hands it the run's header, then every
 * step as the engine finishes it, and tells it which step the user selected on the timeline;
 * what the user picks in one view (a layer, an expert, a tree node) reaches the others through
 * the {@link SharedFocus} it {@link #share shares}.
 * All calls come on the JavaFX application thread; a view redraws at most once per pulse.
 */
public interface TraceView {

    /** The tab title. */
    String title();

    /** The view's root node, created once. */
    Node node();

    /** A new run begins: forget the last one. */
    void start(RunHeader header);

    /** The engine finished {@code step} (steps arrive in order, step 0 being the prefill). */
    void append(StepTrace step);

    /** The user selected step {@code index} (scrubbing the timeline); -1 follows the newest. */
    void select(int index);

    /**
     * Joins the window's shared focus, once, before the first run: the view shows the focus's
     * step as if {@link #select selected}, highlights the layer, expert or node it names, and sets
     * the focus to what the user clicks. A view that names none of them may leave it (the default).
     */
    default void share(SharedFocus focus) {
    }
}
