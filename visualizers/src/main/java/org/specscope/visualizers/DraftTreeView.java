package org.specscope.visualizers;

import java.util.Locale;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TreeTrace;
import org.specscope.styles.ColorMaps;

/**
 * One step's draft tree (the selected step, or the newest while following), drawn on a Canvas
 * by {@link TreeLayout}: the root on the left, each depth one column to the right, siblings
 * spread down. The accepted path is outlined and joined in the accent colour, and the bonus
 * token the target added is a dashed node after it. Each node is filled by the MoE-Spec
 * colouring: the share of its natural experts, summed over the MoE layers, that the expert
 * budget left out ({@link LayerTrace#missingNatural}), on {@link ColorMaps#SEQUENTIAL} (dark: none
 * missing, yellow: all). Hovering a node shows its token, q, p and missing experts; clicking it
 * focuses it, with its step ({@link SharedFocus}). The focused node is ringed, and the nodes the
 * focused layer routed to the focused expert are dotted. A tree too big for the view at a
 * readable box size scrolls: the canvas grows to the size it needs. The canvas is redrawn at
 * most once per pulse, painted by a {@link DraftTreeFigure} (which also paints the exported
 * figure, legend included, at the size the whole tree needs).
 */
public final class DraftTreeView extends FigureView<DraftTreeFigure> {

    public DraftTreeView() {
        super("draft-tree", new DraftTreeFigure());
        layOutScrolling(legend());
    }

    private FlowPane legend() {
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
        FlowPane box = new FlowPane(stepLabel(), accepted, bonus, missingLabel, ramp, all);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("draft-tree-legend");
        return box;
    }

    @Override
    public String title() {
        return "Draft tree";
    }

    /** A step appended while another is selected leaves the drawing as it is. */
    @Override
    boolean redrawsOnAppend(StepTrace step) {
        return figure.selected() < 0;
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

    /** The plot's extent: the view's size, or larger when the tree needs it (then scrolled). */
    public Bounds canvasBounds() {
        return new BoundingBox(0, 0, plotWidth(), plotHeight());
    }

    /** The part of the plot the view shows, in plot coordinates. */
    public Bounds viewportBounds() {
        return visibleBounds();
    }

    /** Scrolls the view so that {@code node} is in sight. */
    public void reveal(int node) {
        reveal(figure.bounds()[node]);
    }

    /** The node drawn at plot point (x, y), -1 for none (the bonus is {@link #nodeCount()}). */
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

    @Override
    int hitAt(double x, double y) {
        return nodeAt(x, y);
    }

    @Override
    String hoverText(int node) {
        return describe(node);
    }

    /** A node names itself in the shown step, which the click pins (a node of the newest would move on). */
    @Override
    TraceFocus focusOf(int node, TraceFocus current) {
        return current.withNode(shownStep(), node);
    }

    /** The node ringed as the focus's, -1 for none. */
    public int ringedNode() {
        return figure.ringedNode();
    }

    /** Whether {@code node} is dotted as routed to the focused expert in the focused layer. */
    public boolean isRoutedToFocus(int node) {
        boolean[] routed = figure.routedToFocus();
        return node < routed.length && routed[node];
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

    /** The hover indexes the shown step's nodes. */
    @Override
    Object hoverSubject() {
        return figure.shown();
    }

    static String visible(String token) {
        return DraftTreeFigure.visible(token);
    }

    private static String quote(String token) {
        return "\u201c" + visible(token) + "\u201d";
    }
}
