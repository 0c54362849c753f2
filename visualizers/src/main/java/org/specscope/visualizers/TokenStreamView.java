package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.util.Duration;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;

/**
 * The generated text, token by token, telling apart the three fates of a token in speculative
 * decoding: accepted draft tokens (style class {@code token-accepted}), the bonus token the
 * target adds after them ({@code token-bonus}), and, after each step's emitted text, the draft
 * tokens the target rejected ({@code token-rejected}: struck through, faded; hidden when
 * {@link #showRejectedProperty()} is off). Hovering a token tells its step and fate; selecting a
 * step marks its tokens ({@code token-selected}). Clicking a token focuses its step and tree node
 * ({@link SharedFocus}; the bonus token is the node after the tree's, as the tree view draws it),
 * and the focused node's token is marked ({@code token-focused}).
 *
 * <p>The rejected continuation shown is the drafter's most probable branch below the last
 * accepted node (for a chain draft, exactly the rejected tail). Token texts come from the tree
 * ({@code TreeTrace.texts}, {@code bonusText}) when they spell the step's {@code emittedText};
 * otherwise (a token's bytes split a character) the emitted text is kept whole, as one segment.
 * Steps append Text nodes at most once per pulse. Before the first token of a step whose settings
 * changed stands a flag ({@code settings-mark}) whose tooltip tells what changed.
 */
public final class TokenStreamView implements TraceView {

    /** A token's fate, with its style class. */
    public enum Kind {
        ACCEPTED("token-accepted"), BONUS("token-bonus"), REJECTED("token-rejected");

        private final String styleClass;

        Kind(String styleClass) {
            this.styleClass = styleClass;
        }

        public String styleClass() {
            return styleClass;
        }
    }

    private final BorderPane root = new BorderPane();
    private final Label header = new Label();
    private final TextFlow flow = new TextFlow();
    private final ScrollPane scroll = new ScrollPane(flow);
    private final BooleanProperty showRejected = new SimpleBooleanProperty(this, "showRejected", true);
    private final PulseRedraw redraw = new PulseRedraw(this::flush);

    /** A token's tree node, in its Text's properties (absent on a segment of several tokens). */
    private static final String NODE = "specscope.node";

    private final List<StepTrace> pending = new ArrayList<>();
    /** Per shown step, its Text nodes (emitted then rejected). */
    private final List<List<Text>> stepNodes = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final SettingsChanges changes = new SettingsChanges();
    private final List<Text> marks = new ArrayList<>();
    private int selected = -1;
    private int markedStep = -1;
    private TraceFocus focus = TraceFocus.NONE;
    private Text focusedToken;
    private SharedFocus shared;

    public TokenStreamView() {
        root.getStyleClass().addAll("trace-view", "token-stream-view");
        header.getStyleClass().add("token-stream-header");
        header.setMaxWidth(Double.MAX_VALUE);
        flow.getStyleClass().add("token-stream");
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("token-stream-scroll");
        root.setTop(header);
        root.setCenter(scroll);
        flow.setOnMouseClicked(e -> {
            if (shared != null && e.getTarget() instanceof Text t && t.getUserData() instanceof Integer step) {
                Object node = t.getProperties().get(NODE);
                shared.update(f -> node instanceof Integer n ? f.withNode(step, n) : f.withStep(step));
            }
        });
        showRejected.addListener((obs, was, show) -> {
            for (List<Text> nodes : stepNodes) {
                for (Text t : nodes) {
                    if (t.getStyleClass().contains(Kind.REJECTED.styleClass())) {
                        t.setVisible(show);
                        t.setManaged(show);
                    }
                }
            }
        });
    }

    @Override
    public String title() {
        return "Tokens";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void start(RunHeader runHeader) {
        pending.clear();
        stepNodes.clear();
        changes.clear();
        marks.clear();
        flow.getChildren().clear();
        text.setLength(0);
        selected = -1;
        markedStep = -1;
        focusedToken = null;
        header.setText(runHeader.model() + "  \u00b7  prompt: " + oneLine(runHeader.promptText()));
    }

    @Override
    public void append(StepTrace step) {
        pending.add(step);
        redraw.request();
    }

    @Override
    public void select(int index) {
        selected = index;
        redraw.request();
    }

    /** Marks the focus's step as if selected and its node's token; clicks set it. */
    @Override
    public void share(SharedFocus focus) {
        shared = focus;
        focus.focusProperty().addListener((o, was, now) -> focused(now));
        focused(focus.get());
    }

    private void focused(TraceFocus f) {
        focus = f;
        select(f.step());
    }

    /** The token marked as the focused node's, null for none. */
    public Text focusedToken() {
        return focusedToken;
    }

    /** Whether rejected draft tokens are shown (struck through after each step). */
    public BooleanProperty showRejectedProperty() {
        return showRejected;
    }

    /** The emitted text shown so far (rejected drafts not included). */
    public String text() {
        return text.toString();
    }

    /** The shown Text nodes of one kind, in order. */
    public List<Text> tokens(Kind kind) {
        List<Text> out = new ArrayList<>();
        for (Node n : flow.getChildren()) {
            if (n instanceof Text t && t.getStyleClass().contains(kind.styleClass())) {
                out.add(t);
            }
        }
        return out;
    }

    /** The Text nodes of step {@code index} (empty when not shown yet). */
    public List<Text> tokensOfStep(int index) {
        return index >= 0 && index < stepNodes.size() ? List.copyOf(stepNodes.get(index)) : List.of();
    }

    /** The flags before the steps whose settings changed, in order; each one's user data is its step number. */
    public List<Text> settingsMarks() {
        return List.copyOf(marks);
    }

    /** Steps shown. */
    public int steps() {
        return stepNodes.size();
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private void flush() {
        if (!pending.isEmpty()) {
            List<Node> added = new ArrayList<>();
            for (StepTrace s : pending) {
                SettingsChange change = changes.add(s);
                if (change != null) {
                    Text mark = mark(change);
                    marks.add(mark);
                    added.add(mark);
                }
                List<Text> nodes = textsOf(s);
                stepNodes.add(nodes);
                added.addAll(nodes);
                text.append(s.emittedText());
            }
            pending.clear();
            flow.getChildren().addAll(added);
            if (selected < 0) {
                scroll.setVvalue(scroll.getVmax());
            }
        }
        markSelection();
    }

    private void markSelection() {
        markFocus();
        if (markedStep == selected) {
            return;
        }
        for (Text t : tokensOfStep(markedStep)) {
            t.getStyleClass().remove("token-selected");
        }
        for (Text t : tokensOfStep(selected)) {
            t.getStyleClass().add("token-selected");
        }
        markedStep = selected;
    }

    private void markFocus() {
        Text token = null;
        if (focus.hasNode()) {
            for (Text t : tokensOfStep(focus.step())) {
                if (Integer.valueOf(focus.node()).equals(t.getProperties().get(NODE))) {
                    token = t;
                }
            }
        }
        if (token != focusedToken) {
            if (focusedToken != null) {
                focusedToken.getStyleClass().remove("token-focused");
            }
            if (token != null) {
                token.getStyleClass().add("token-focused");
            }
            focusedToken = token;
        }
    }

    private List<Text> textsOf(StepTrace s) {
        TreeTrace tree = s.tree();
        List<Text> nodes = new ArrayList<>();
        StringBuilder spelled = new StringBuilder();
        for (int i = 1; i < tree.acceptedPath().size(); i++) {
            spelled.append(tree.texts().get(tree.acceptedPath().get(i)));
        }
        spelled.append(tree.bonusText());
        if (spelled.toString().equals(s.emittedText())) {
            for (int i = 1; i < tree.acceptedPath().size(); i++) {
                int node = tree.acceptedPath().get(i);
                nodes.add(nodeToken(node, token(tree.texts().get(node), Kind.ACCEPTED, s,
                        describe(s, node, "accepted draft"))));
            }
            nodes.add(nodeToken(tree.size(), token(tree.bonusText(), Kind.BONUS, s,
                    "step " + s.step() + " \u00b7 bonus token from the target")));
        } else {
            // The tokens' texts do not spell the emitted text (a character split across tokens): one segment.
            Kind kind = tree.acceptedDrafts() > 0 ? Kind.ACCEPTED : Kind.BONUS;
            nodes.add(token(s.emittedText(), kind, s, "step " + s.step() + " \u00b7 " + tree.acceptedDrafts()
                    + " accepted drafts and the bonus token"));
        }
        for (int node : rejectedBranch(tree)) {
            Text t = nodeToken(node, token(tree.texts().get(node), Kind.REJECTED, s, describe(s, node, "rejected draft")));
            t.setVisible(showRejected.get());
            t.setManaged(showRejected.get());
            nodes.add(t);
        }
        return nodes;
    }

    /** The drafter's most probable branch below the last accepted node. */
    static List<Integer> rejectedBranch(TreeTrace tree) {
        List<Integer> branch = new ArrayList<>();
        int node = tree.acceptedPath().get(tree.acceptedPath().size() - 1);
        while (true) {
            int best = -1;
            for (int i = node + 1; i < tree.size(); i++) {
                if (tree.parents().get(i) == node && (best < 0 || tree.draftProbs().get(i) > tree.draftProbs().get(best))) {
                    best = i;
                }
            }
            if (best < 0) {
                return branch;
            }
            branch.add(best);
            node = best;
        }
    }

    private static Text nodeToken(int node, Text t) {
        t.getProperties().put(NODE, node);
        return t;
    }

    private static String describe(StepTrace s, int node, String fate) {
        return String.format(Locale.ROOT, "step %d \u00b7 %s \u00b7 q %.3f \u00b7 p %.3f", s.step(), fate,
                s.tree().draftProbs().get(node), s.tree().targetProbs().get(node));
    }

    /** The flag before a step whose settings changed: not part of the text, its tooltip tells the change. */
    private static Text mark(SettingsChange change) {
        Text t = new Text("\u2009" + SettingsChange.FLAG + "\u2009");   // thin spaces: apart from the tokens either side
        t.getStyleClass().add("settings-mark");
        t.setUserData(change.step());
        Tooltip tooltip = new Tooltip(change.describe());
        tooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(t, tooltip);
        return t;
    }

    private static Text token(String content, Kind kind, StepTrace s, String tip) {
        Text t = new Text(content);
        t.getStyleClass().addAll("token", kind.styleClass());
        t.setUserData(s.step());
        Tooltip tooltip = new Tooltip(tip);
        tooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(t, tooltip);
        return t;
    }

    private static String oneLine(String s) {
        String line = s.replace('\n', ' ').strip();
        return line.length() > 120 ? line.substring(0, 119) + "\u2026" : line;
    }
}
