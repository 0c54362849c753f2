package org.specscope.visualizers;

import javafx.animation.AnimationTimer;

/**
 * Coalesces redraw requests: however many come between two pulses, the action runs once, on
 * the next pulse. Requests and the action are on the JavaFX application thread.
 */
final class PulseRedraw {

    private final Runnable action;
    private final AnimationTimer timer;
    private boolean pending;

    PulseRedraw(Runnable action) {
        this.action = action;
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                stop();
                pending = false;
                PulseRedraw.this.action.run();
            }
        };
    }

    /** Asks for one run of the action on the next pulse. */
    void request() {
        if (!pending) {
            pending = true;
            timer.start();
        }
    }

    /** Whether a run is asked for and has not happened yet. */
    boolean isPending() {
        return pending;
    }
}
