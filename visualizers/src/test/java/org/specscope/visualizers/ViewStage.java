package org.specscope.visualizers;

import java.util.List;
import java.util.concurrent.Callable;
import javafx.event.Event;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;

/**
 * The set-up the view tests share: a view shown on the test's stage at a size ({@link #show}),
 * then fed a run or told to select a step, each followed by waiting until the view's redraw
 * (read through {@code pending}, the view's isRedrawPending) has happened.
 */
final class ViewStage {

    private final TraceView view;
    private final Callable<Boolean> pending;

    private ViewStage(TraceView view, Callable<Boolean> pending) {
        this.view = view;
        this.pending = pending;
    }

    /** Shows {@code view} on {@code stage} in a width by height scene with the light stylesheet. */
    static ViewStage show(Stage stage, TraceView view, Callable<Boolean> pending, double width, double height) {
        Scene scene = new Scene((Parent) view.node(), width, height);
        scene.getStylesheets().add(Themes.LIGHT.stylesheet());
        stage.setScene(scene);
        stage.show();
        return new ViewStage(view, pending);
    }

    /** Starts a run, appends {@code steps} and waits for the redraw. */
    void feed(List<StepTrace> steps) throws Exception {
        Fx.run(() -> {
            view.start(Traces.header());
            steps.forEach(view::append);
        });
        Fx.awaitPulse(pending);
    }

    /** Runs {@code action} on the FX thread and waits for the redraw it asks for. */
    void act(Runnable action) throws Exception {
        Fx.run(action);
        Fx.awaitPulse(pending);
    }

    /** Selects step {@code index} (-1 follows the newest) and waits for the redraw. */
    void select(int index) throws Exception {
        Fx.run(() -> view.select(index));
        Fx.awaitPulse(pending);
    }

    /** The redraws {@code calls}, run in one go on the FX thread, cost once the pulse is over. */
    int redrawsOf(Runnable calls, Callable<Integer> redrawCount) throws Exception {
        int before = Fx.call(redrawCount);
        Fx.run(calls);
        Fx.awaitPulse(pending);
        return Fx.call(redrawCount) - before;
    }

    /**
     * The redraws 50 rounds of appending {@link Traces#chain()} and selecting one of the first
     * three steps cost, all run in one go on the FX thread.
     */
    int redrawsOfManyCalls(Callable<Integer> redrawCount) throws Exception {
        return redrawsOf(() -> {
            for (int i = 0; i < 50; i++) {
                view.append(Traces.chain());
                view.select(i % 3);
            }
        }, redrawCount);
    }

    /** Joins the view to a fresh shared focus, as the app does, and returns the focus. */
    SharedFocus share() throws Exception {
        SharedFocus focus = Fx.call(SharedFocus::new);
        Fx.run(() -> view.share(focus));
        Fx.awaitPulse(pending);
        return focus;
    }

    /** Sets the shared focus, as another view's click would, and waits for the redraw. */
    void focus(SharedFocus shared, TraceFocus f) throws Exception {
        Fx.run(() -> shared.set(f));
        Fx.awaitPulse(pending);
    }

    /** A primary click at point (x, y) of the view's figure canvas, then the redraw it causes. */
    void clickCanvas(double x, double y) throws Exception {
        Fx.run(() -> click(figureCanvas(view), x, y));
        Fx.awaitPulse(pending);
    }

    /** The canvas a {@link FigureView} paints its figure on. */
    static Canvas figureCanvas(TraceView view) {
        return (Canvas) view.node().lookup(".figure-canvas");
    }

    /**
     * Delivers a primary click at point (x, y) of {@code target} as the mouse would (pressed and
     * released in place); call on the FX thread.
     */
    static void click(Node target, double x, double y) {
        Point2D scene = target.localToScene(x, y);
        Point2D screen = target.localToScreen(x, y);
        Event.fireEvent(target, new MouseEvent(MouseEvent.MOUSE_CLICKED, scene.getX(), scene.getY(), screen.getX(),
                screen.getY(), MouseButton.PRIMARY, 1, false, false, false, false, false, false, false, false, false,
                true, null));
    }

    /** How far apart two colours are: the sum of their channels' differences (0 to 3). */
    static double distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }
}
