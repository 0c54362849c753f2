package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.LayerTrace;
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
 * is redrawn at most once per pulse.
 */
public final class DraftTreeView implements TraceView {

    static final double BOX_W = 92;
    static final double BOX_H = 24;
    static final double COL_STEP = BOX_W + 44;
    static final double ROW_STEP = BOX_H + 12;
    static final double MARGIN = 16;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final Font font = Font.font("Monospaced", 12);

    private final List<StepTrace> steps = new ArrayList<>();
    private int selected = -1;
    private int redraws;

    // What the last draw showed: the hover and the tests read it.
    private StepTrace shown;
    private TreeLayout layout;
    private Bounds[] bounds = new Bounds[0];
    private int[] missing = new int[0];
    private int maxMissing;
    private int hovered = -1;

    public DraftTreeView() {
        root.getStyleClass().addAll("trace-view", "draft-tree");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> redraw.request());
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
        steps.clear();
        selected = -1;
        redraw.request();
    }

    @Override
    public void append(StepTrace step) {
        steps.add(step);
        if (selected < 0) {
            redraw.request();
        }
    }

    @Override
    public void select(int index) {
        selected = index;
        redraw.request();
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return shown == null ? -1 : shown.step();
    }

    /** The layout of the last drawn tree, its bonus token as the last node; null before any. */
    public TreeLayout layout() {
        return layout;
    }

    /** Tree nodes drawn (the root and the draft nodes; the bonus not counted). */
    public int nodeCount() {
        return shown == null ? 0 : shown.tree().size();
    }

    /** Whether {@code node} of the drawn tree is on the accepted path (drawn highlighted). */
    public boolean isHighlighted(int node) {
        return shown != null && node < shown.tree().size() && shown.tree().isAccepted(node);
    }

    /** Where {@code node} was drawn, in canvas coordinates; node {@link #nodeCount()} is the bonus. */
    public Bounds nodeBounds(int node) {
        return bounds[node];
    }

    /** Natural experts of {@code node} the budget left out, summed over the drawn step's MoE layers. */
    public int missingExperts(int node) {
        return missing[node];
    }

    /** The node drawn at canvas point (x, y), -1 for none (the bonus is {@link #nodeCount()}). */
    public int nodeAt(double x, double y) {
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i].contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    /** The accent the accepted path is drawn in under the current theme. */
    public Color accentColor() {
        return palette().accent;
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
            s.append(String.format(Locale.ROOT, "%nmissing natural experts: %d of %d (%d layers)", missing[node],
                    maxMissing, shown.layers().size()));
        }
        return s.toString();
    }

    private StepTrace stepToShow() {
        if (steps.isEmpty()) {
            return null;
        }
        return selected >= 0 && selected < steps.size() ? steps.get(selected) : steps.get(steps.size() - 1);
    }

    private void draw() {
        redraws++;
        Palette pal = palette();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        StepTrace step = stepToShow();
        if (step != shown) {
            shown = step;
            hovered = -1;
            tooltip.hide();
            computeModel();
        }
        if (step == null) {
            stepLabel.setText("no step yet");
            return;
        }
        TreeTrace tree = step.tree();
        stepLabel.setText("step " + step.step() + (selected < 0 ? " (newest)" : "") + " \u00b7 " + tree.draftNodes()
                + " drafts, " + tree.acceptedDrafts() + " accepted");
        int n = tree.size();
        int bonus = n;
        double contentW = 2 * MARGIN + (layout.columns() - 1) * COL_STEP + BOX_W;
        double contentH = 2 * MARGIN + (layout.rows() - 1) * ROW_STEP + BOX_H;
        double scale = Math.min(1, Math.min(w / contentW, h / contentH));
        if (!(scale > 0)) {
            return;
        }
        bounds = new Bounds[n + 1];
        for (int i = 0; i <= n; i++) {
            double x = (MARGIN + layout.column(i) * COL_STEP) * scale;
            double y = (MARGIN + layout.row(i) * ROW_STEP) * scale;
            bounds[i] = new BoundingBox(x, y, BOX_W * scale, BOX_H * scale);
        }

        // edges first, the accepted path last so that it lies on top
        g.setLineCap(StrokeLineCap.ROUND);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 1; i <= n; i++) {
                boolean onPath = i == bonus || tree.isAccepted(i);
                if (onPath != (pass == 1)) {
                    continue;
                }
                Bounds a = bounds[layout.parent(i)];
                Bounds b = bounds[i];
                g.setStroke(i == bonus ? pal.bonus : onPath ? pal.accent : pal.edge);
                g.setLineWidth(onPath ? 2.5 : 1);
                g.setLineDashes(i == bonus ? new double[] {4, 3} : null);
                double x0 = a.getMaxX();
                double y0 = a.getCenterY();
                double x1 = b.getMinX();
                double y1 = b.getCenterY();
                double mx = (x0 + x1) / 2;
                g.beginPath();
                g.moveTo(x0, y0);
                g.bezierCurveTo(mx, y0, mx, y1, x1, y1);
                g.stroke();
            }
        }
        g.setLineDashes(null);

        g.setFont(Font.font(font.getFamily(), 12 * scale));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i <= n; i++) {
            Bounds b = bounds[i];
            boolean isBonus = i == bonus;
            Color fill = isBonus ? pal.background
                    : ColorMaps.sequential(maxMissing == 0 ? 0 : (double) missing[i] / maxMissing);
            g.setFill(fill);
            g.fillRoundRect(b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight(), 6, 6);
            if (isBonus) {
                g.setStroke(pal.bonus);
                g.setLineWidth(2);
                g.setLineDashes(4, 3);
                g.strokeRoundRect(b.getMinX() + 1, b.getMinY() + 1, b.getWidth() - 2, b.getHeight() - 2, 6, 6);
                g.setLineDashes(null);
            } else if (tree.isAccepted(i)) {
                g.setStroke(pal.accent);
                g.setLineWidth(3);
                g.strokeRoundRect(b.getMinX() + 1.5, b.getMinY() + 1.5, b.getWidth() - 3, b.getHeight() - 3, 6, 6);
            } else {
                g.setStroke(pal.edge);
                g.setLineWidth(1);
                g.strokeRoundRect(b.getMinX() + 0.5, b.getMinY() + 0.5, b.getWidth() - 1, b.getHeight() - 1, 6, 6);
            }
            String label = isBonus ? tree.bonusText() : tree.texts().get(i);
            g.setFill(isBonus ? pal.text : luminance(fill) > 0.45 ? Color.BLACK : Color.WHITE);
            g.fillText(shorten(visible(label)), b.getCenterX(), b.getCenterY(), b.getWidth() - 8 * scale);
        }
    }

    private void computeModel() {
        if (shown == null) {
            layout = null;
            bounds = new Bounds[0];
            missing = new int[0];
            maxMissing = 0;
            return;
        }
        TreeTrace tree = shown.tree();
        int n = tree.size();
        int[] parents = new int[n + 1];
        for (int i = 0; i < n; i++) {
            parents[i] = tree.parents().get(i);
        }
        parents[n] = tree.acceptedPath().get(tree.acceptedPath().size() - 1);
        layout = TreeLayout.of(parents);
        missing = new int[n + 1];
        maxMissing = 0;
        for (LayerTrace l : shown.layers()) {
            maxMissing += l.topK();
            for (int i = 0; i < n && i < l.nodes(); i++) {
                missing[i] += l.missingNatural(i);
            }
        }
        bounds = new Bounds[0];
    }

    private Palette palette() {
        return theme.get().isDark()
                ? new Palette(Color.web("#1e1f22"), Color.web("#4a9eff"), Color.web("#e69f00"), Color.web("#5a5d63"),
                Color.web("#dfe1e5"))
                : new Palette(Color.WHITE, Color.web("#0969da"), Color.web("#d55e00"), Color.web("#b0b7c0"),
                Color.web("#1f2328"));
    }

    private record Palette(Color background, Color accent, Color bonus, Color edge, Color text) {
    }

    private static double luminance(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    static String visible(String token) {
        if (token.isEmpty()) {
            return "\u2205";
        }
        return token.replace("\n", "\u23ce").replace("\t", "\u21e5").replace("\r", "");
    }

    private static String shorten(String s) {
        return s.length() > 12 ? s.substring(0, 11) + "\u2026" : s;
    }

    private static String quote(String token) {
        return "\u201c" + visible(token) + "\u201d";
    }
}
