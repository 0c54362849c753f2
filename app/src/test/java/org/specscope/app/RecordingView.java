package org.specscope.app;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.TraceView;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test view that records what the app hands it, and on which thread. */
final class RecordingView implements TraceView {

    final List<RunHeader> starts = new CopyOnWriteArrayList<>();
    final List<StepTrace> steps = new CopyOnWriteArrayList<>();
    final List<Integer> selections = new CopyOnWriteArrayList<>();
    final List<String> offFxThread = new CopyOnWriteArrayList<>();
    private final String title;
    private Label node;

    RecordingView(String title) {
        this.title = title;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Node node() {
        if (node == null) {
            node = new Label(title + " view");
            node.setId("view-" + title);
        }
        return node;
    }

    @Override
    public void start(RunHeader header) {
        checkThread("start");
        starts.add(header);
        steps.clear();
    }

    @Override
    public void append(StepTrace step) {
        checkThread("append");
        steps.add(step);
    }

    @Override
    public void select(int index) {
        checkThread("select");
        selections.add(index);
    }

    private void checkThread(String call) {
        if (!javafx.application.Platform.isFxApplicationThread()) {
            offFxThread.add(call + " on " + Thread.currentThread().getName());
        }
    }
}
