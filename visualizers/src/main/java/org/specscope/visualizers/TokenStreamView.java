package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>For export it paints {@link TokenStreamFigure}, fed alongside the Text nodes, which are built
 * from its pieces: the same tokens and flags in the theme's colours (the stylesheet's), wrapped to
 * the export's width, the selection and the focus marked, with a legend.
 */
public final class TokenStreamView extends FigureBackedView<TokenStreamFigure> {

    /** What a piece of the stream is, with its style class: a token's fate, or the flag before a changed step. */
    public enum Kind {
        ACCEPTED("token-accepted"), BONUS("token-bonus"), REJECTED("token-rejected"), SETTINGS_MARK("settings-mark");

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
    private final List<Text> marks = new ArrayList<>();
    private int selected = -1;
    private int markedStep = -1;
    private Text focusedToken;

    public TokenStreamView() {
        super(new TokenStreamFigure());
        root.getStyleClass().addAll("trace-view", "token-stream-view");
        header.getStyleClass().add("token-stream-header");
        header.setMaxWidth(Double.MAX_VALUE);
        flow.getStyleClass().add("token-stream");
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("token-stream-scroll");
        root.setTop(header);
        root.setCenter(scroll);
        flow.setOnMouseClicked(e -> {
            SharedFocus shared = shared();
            if (shared != null && e.getTarget() instanceof Text t && t.getUserData() instanceof Integer step) {
                Object node = t.getProperties().get(NODE);
                shared.update(f -> node instanceof Integer n ? f.withNode(step, n) : f.withStep(step));
            }
        });
        showRejected.addListener((obs, was, show) -> {
            figure.setShowRejected(show);
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
        marks.clear();
        flow.getChildren().clear();
        text.setLength(0);
        selected = -1;
        markedStep = -1;
        focusedToken = null;
        figure.start(runHeader);
        header.setText(figure.caption());
    }

    @Override
    public void append(StepTrace step) {
        figure.append(step);
        pending.add(step);
        redraw.request();
    }

    @Override
    public void select(int index) {
        figure.select(index);
        selected = index;
        redraw.request();
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
                List<Text> nodes = new ArrayList<>();
                // the figure was fed this step in append: the same pieces, flag included
                for (TokenStreamFigure.Token piece : figure.tokensOfStep(stepNodes.size())) {
                    Text t = text(piece);
                    if (piece.kind() == Kind.SETTINGS_MARK) {
                        marks.add(t);   // before the step's tokens, but not one of them
                    } else {
                        nodes.add(t);
                    }
                    added.add(t);
                }
                stepNodes.add(nodes);
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
        TraceFocus focus = figure.focus();
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

    /** A piece's Text node: styled by its kind, its step and node kept, its description as the tooltip. */
    private Text text(TokenStreamFigure.Token piece) {
        Text t = new Text(piece.text());
        if (piece.kind() != Kind.SETTINGS_MARK) {
            t.getStyleClass().add("token");
        }
        t.getStyleClass().add(piece.kind().styleClass());
        t.setUserData(piece.step());
        if (piece.node() >= 0) {
            t.getProperties().put(NODE, piece.node());
        }
        if (piece.kind() == Kind.REJECTED) {
            t.setVisible(showRejected.get());
            t.setManaged(showRejected.get());
        }
        Tooltip tooltip = new Tooltip(piece.description());
        tooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(t, tooltip);
        return t;
    }
}
