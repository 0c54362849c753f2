package org.specscope.visualizers;

import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;
import org.specscope.styles.ColorMaps;
import org.specscope.styles.Themes;

/**
 * One step's draft tree (the selected step, or the newest while following), drawn on a Canvas
 * by {@link TreeLayout}: the root on the left, each depth one column to the right, siblings
 * spread down. The accepted path is outlined and joined in the accent colour, and the bonus
 * token the target added is a dashed node after it. Each node is filled by the MoE-Spec
 * colouring: the share of its natural experts, summed over the MoE layers, that the expert
 * budget left out ({@link LayerTrace#missingNatural}), on {@link ColorMaps#SEQUENTIAL} (dark: none
 * missing, yellow: all). Hovering a node shows its token, q, p and missing experts. The canvas
 * is redrawn at most once per pulse, painted by a {@link DraftTreeFigure} (which also paints the
 * exported figure, legend included).
 */
public final class DraftTreeView implements TraceView, VectorFigure {

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final DraftTreeFigure figure = new DraftTreeFigure();
    private int redraws;
    private int hovered = -1;

    public DraftTreeView() {
        root.getStyleClass().addAll("trace-view", "draft-tree");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> {
            figure.setTheme(theme.get());
            redraw.request();
        });
        root.setTop(legend());
        root.setCenter(canvasPane);
        canvas.setOnMouseMoved(e -> {
            int node = nodeAt(e.getX(), e.getY());
            if (node != hovered) {
                hovered = node;
                if (node < 0) {
                    tooltip.hide();
                } else {
                    tooltip.setText(describe(node));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hovered = -1;
            tooltip.hide();
        });
    }

    private HBox legend() {
        Label accepted = new Label("\u25a0 accepted path");
        accepted.getStyleClass().add("tree-node-accepted");
        Label bonus = new Label("\u25a1 bonus token");
        bonus.getStyleClass().add("tree-node-bonus");
        Canvas ramp = new Canvas(96, 10);
        GraphicsContext g = ramp.getGraphicsContext2D();
        for (int x = 0; x < 96; x++) {
            g.setFill(ColorMaps.sequential(x / 95.0));
            g.fillRect(x, 0, 1, 10);
        }
        Label missingLabel = new Label("natural experts missing: none");
        Label all = new Label("all");
        HBox box = new HBox(stepLabel, accepted, bonus, missingLabel, ramp, all);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("draft-tree-legend");
        return box;
    }

    @Override
    public String title() {
        return "Draft tree";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void start(RunHeader header) {
        figure.start(header);
        redraw.request();
    }

    @Override
    public void append(StepTrace step) {
        figure.append(step);
        if (figure.selected() < 0) {
            redraw.request();
        }
    }

    @Override
    public void select(int index) {
        figure.select(index);
        redraw.request();
    }

    /** Paints the figure as it stands, caption and legend included (for export). */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        figure.paint(g, width, height);
        redraw.request(); // painting at the export's size moved the node bounds the hover reads
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return figure.shown() == null ? -1 : figure.shown().step();
    }

    /** The layout of the last drawn tree, its bonus token as the last node; null before any. */
    public TreeLayout layout() {
        return figure.layout();
    }

    /** Tree nodes drawn (the root and the draft nodes; the bonus not counted). */
    public int nodeCount() {
        return figure.shown() == null ? 0 : figure.shown().tree().size();
    }

    /** Whether {@code node} of the drawn tree is on the accepted path (drawn highlighted). */
    public boolean isHighlighted(int node) {
        StepTrace shown = figure.shown();
        return shown != null && node < shown.tree().size() && shown.tree().isAccepted(node);
    }

    /** Where {@code node} was drawn, in canvas coordinates; node {@link #nodeCount()} is the bonus. */
    public Bounds nodeBounds(int node) {
        return figure.bounds()[node];
    }

    /** Natural experts of {@code node} the budget left out, summed over the drawn step's MoE layers. */
    public int missingExperts(int node) {
        return figure.missing()[node];
    }

    /** The node drawn at canvas point (x, y), -1 for none (the bonus is {@link #nodeCount()}). */
    public int nodeAt(double x, double y) {
        Bounds[] bounds = figure.bounds();
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i].contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    /** The accent the accepted path is drawn in under the current theme. */
    public Color accentColor() {
        return figure.accentColor();
    }

    /** Redraws done so far (coalescing shows as fewer redraws than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    /** The tooltip text of {@code node} of the drawn tree. */
    public String describe(int node) {
        StepTrace shown = figure.shown();
        TreeTrace tree = shown.tree();
        if (node == tree.size()) {
            return "bonus token " + quote(tree.bonusText()) + " (id " + tree.bonusToken() + ")\nadded by the target";
        }
        String fate = node == 0 ? "root (last committed token)"
                : tree.isAccepted(node) ? "accepted draft" : "rejected draft";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s (id %d), %s, depth %d%nq %.4f   p %.4f",
                quote(tree.texts().get(node)), tree.tokens().get(node), fate, tree.depth(node),
                tree.draftProbs().get(node), tree.targetProbs().get(node)));
        if (shown.layers().isEmpty()) {
            s.append("\nno MoE layers");
        } else {
            s.append(String.format(Locale.ROOT, "%nmissing natural experts: %d of %d (%d layers)", figure.missing()[node],
                    figure.maxMissing(), shown.layers().size()));
        }
        return s.toString();
    }

    private void draw() {
        redraws++;
        StepTrace before = figure.shown();
        figure.paintPlot(new CanvasFigureGraphics(canvas.getGraphicsContext2D()), canvas.getWidth(),
                canvas.getHeight());
        if (figure.shown() != before) {
            hovered = -1;
            tooltip.hide();
        }
        stepLabel.setText(figure.caption());
    }

    static String visible(String token) {
        return DraftTreeFigure.visible(token);
    }

    private static String quote(String token) {
        return "\u201c" + visible(token) + "\u201d";
    }
}
