package org.specscope.visualizers;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.ColorMaps;
import org.specscope.styles.Themes;

/**
 * Where the verification pass routed, per MoE layer (rows) and expert (columns): each cell is the
 * expert's share of the layer's routing mass ({@link LayerTrace#mass}: the full-softmax probability
 * summed over the tree's nodes, MoE-Spec's expert score), so each row sums to 1; with
 * {@link #windowProperty()} W above 1, the shares of the last W steps up to the shown one are
 * averaged. Colour is {@link ColorMaps#SEQUENTIAL} from 0 to the hottest cell. Over it, for the
 * shown step: the budget's kept set outlined per cell (budgeted layers only; an unbudgeted layer
 * keeps everything), a cross on each natural expert the budget left out (substituted away or
 * truncated) and a dot on each expert that ran as a replacement.
 *
 * <p>Built for 48 layers x 128 experts: cells, outlines and marks are baked, with plain loops over
 * an {@code int[]}, into one {@link WritableImage} at the grid's size in canvas pixels (each cell a
 * whole number of pixels wide and high, so borders stay crisp), and a redraw is one
 * {@code drawImage} with smoothing off plus the axis text. Stroking some 1,500 outlines and crosses
 * as anti-aliased paths cost the software rasteriser several times the whole image. The model
 * (values, marks) is recomputed only when the shown data changes, the image only when the model or
 * the grid's size does; a theme change only redraws. At most one redraw per pulse.
 */
public final class ExpertHeatmapView implements TraceView {

    /** What is drawn over a cell for the shown step. */
    public enum Mark {
        NONE, LEFT_OUT, REPLACEMENT
    }

    /** A cell: a row (position in {@link StepTrace#layers()}) and an expert. */
    public record Cell(int layer, int expert) {
    }

    static final double LEFT = 46;
    static final double TOP = 8;
    static final double RIGHT = 10;
    static final double BOTTOM = 30;
    private static final Color KEPT = Color.web("#ff2e88");
    private static final int KEPT_ARGB = argb(KEPT);
    private static final int DARK_INK = 0xFF000000;
    private static final int LIGHT_INK = 0xFFFFFFFF;
    /** Above this many pixels the grid image is baked smaller and drawn scaled (a 4K canvas would need 32 MB). */
    static final int MAX_IMAGE_PIXELS = 1 << 22;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Label maxLabel = new Label("max");
    private final Tooltip tooltip = new Tooltip();
    private final IntegerProperty window = new SimpleIntegerProperty(this, "window", 1);
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final int[] argbTable = ColorMaps.SEQUENTIAL.argbTable(256);

    private final List<StepTrace> steps = new ArrayList<>();
    private int selected = -1;
    private boolean modelDirty = true;
    private int redraws;
    private int modelComputations;

    // The model of the last computation: the hover and the tests read it.
    private StepTrace shown;
    private int windowSteps;
    private int rows;
    private int experts;
    private double[] values = new double[0];
    private double maxValue;
    private boolean[] keptOutlined = new boolean[0];
    private int[] leftOutNodes = new int[0];
    private int[] replacementNodes = new int[0];
    private int[] pixels = new int[0];
    // The baked grid: imageW x imageH pixels drawn into gridW x gridH canvas pixels at (LEFT, TOP).
    private boolean imageDirty = true;
    private int imageBuilds;
    private int imageW;
    private int imageH;
    private int gridW;
    private int gridH;
    private int[] baked = new int[0]; // opaque ARGB, so premultiplied as the buffer's format says
    private PixelBuffer<IntBuffer> buffer;
    private WritableImage image;
    private Cell hovered;

    public ExpertHeatmapView() {
        root.getStyleClass().addAll("trace-view", "expert-heatmap");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        canvas.widthProperty().addListener(o -> redraw.request());
        canvas.heightProperty().addListener(o -> redraw.request());
        theme.addListener(o -> redraw.request());
        window.addListener(o -> invalidate());
        root.setTop(legend());
        root.setCenter(canvasPane);
        canvas.setOnMouseMoved(e -> {
            Cell cell = cellAt(e.getX(), e.getY());
            if (cell == null ? hovered != null : !cell.equals(hovered)) {
                hovered = cell;
                if (cell == null) {
                    tooltip.hide();
                } else {
                    tooltip.setText(describe(cell.layer(), cell.expert()));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hovered = null;
            tooltip.hide();
        });
    }

    private HBox legend() {
        Label what = new Label("share of the layer's routing mass (full softmax, summed over tree nodes): 0");
        Canvas ramp = new Canvas(96, 10);
        GraphicsContext g = ramp.getGraphicsContext2D();
        for (int x = 0; x < 96; x++) {
            g.setFill(ColorMaps.sequential(x / 95.0));
            g.fillRect(x, 0, 1, 10);
        }
        Label kept = new Label("\u25a1 kept by the budget");
        kept.setTextFill(KEPT);
        Label leftOut = new Label("\u00d7 natural expert left out");
        Label replacement = new Label("\u2022 replacement");
        HBox box = new HBox(8, stepLabel, what, ramp, maxLabel, kept, leftOut, replacement);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("expert-heatmap-legend");
        return box;
    }

    @Override
    public String title() {
        return "Expert heatmap";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void start(RunHeader header) {
        steps.clear();
        selected = -1;
        invalidate();
    }

    @Override
    public void append(StepTrace step) {
        steps.add(step);
        if (selected < 0 || selected >= steps.size() - 1) {
            invalidate(); // the shown step (or its window) changed
        }
    }

    @Override
    public void select(int index) {
        if (index != selected) {
            selected = index;
            invalidate();
        }
    }

    private void invalidate() {
        modelDirty = true;
        redraw.request();
    }

    /** W: how many steps, up to the shown one, the cell values average (at least 1). */
    public IntegerProperty windowProperty() {
        return window;
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    /** The step drawn by the last redraw; -1 before any. */
    public int shownStep() {
        return shown == null ? -1 : shown.step();
    }

    /** Steps the shown values average (W clipped at the run's start). */
    public int windowSteps() {
        return windowSteps;
    }

    /** Rows drawn: the shown step's MoE layers. */
    public int rows() {
        return rows;
    }

    /** Columns drawn: experts per layer. */
    public int experts() {
        return experts;
    }

    /** The decoder layer number of row {@code row}. */
    public int layerNumber(int row) {
        return shown.layers().get(row).layer();
    }

    /** The cell's value: the expert's share of the layer's routing mass, averaged over the window. */
    public double cellValue(int layer, int expert) {
        return values[layer * experts + expert];
    }

    /** The hottest cell's value: the top of the colour scale. */
    public double maxValue() {
        return maxValue;
    }

    /** Whether the cell is outlined as kept by the shown step's budget. */
    public boolean isKeptOutlined(int layer, int expert) {
        return keptOutlined[layer * experts + expert];
    }

    /** The mark drawn on the cell for the shown step. */
    public Mark markAt(int layer, int expert) {
        int i = layer * experts + expert;
        return leftOutNodes[i] > 0 ? Mark.LEFT_OUT : replacementNodes[i] > 0 ? Mark.REPLACEMENT : Mark.NONE;
    }

    /** The ARGB colour the cell was filled with (its outline and mark are drawn over it). */
    public int cellArgb(int layer, int expert) {
        return pixels[layer * experts + expert];
    }

    /** Redraws done so far (coalescing shows as fewer redraws than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Times the model was recomputed (only when the shown data changes, not on every redraw). */
    public int modelComputeCount() {
        return modelComputations;
    }

    /** Times the grid image was baked (on a new model or grid size, not on a theme change). */
    public int imageBuildCount() {
        return imageBuilds;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    /** The cell drawn at canvas point (x, y), null for none. */
    public Cell cellAt(double x, double y) {
        int gw = gridSize(canvas.getWidth() - LEFT - RIGHT);
        int gh = gridSize(canvas.getHeight() - TOP - BOTTOM);
        if (rows == 0 || experts == 0 || gw == 0 || gh == 0 || x < LEFT || y < TOP
                || x >= LEFT + gw || y >= TOP + gh) {
            return null;
        }
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        return new Cell(cellOf((int) ((y - TOP) * ih / gh), rows, ih),
                cellOf((int) ((x - LEFT) * iw / gw), experts, iw));
    }

    /** The centre of a cell in canvas coordinates, {x, y}. */
    public double[] cellCentre(int layer, int expert) {
        if (rows == 0 || experts == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int gw = gridSize(canvas.getWidth() - LEFT - RIGHT);
        int gh = gridSize(canvas.getHeight() - TOP - BOTTOM);
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        return new double[] {LEFT + (edge(expert, experts, iw) + edge(expert + 1, experts, iw)) / 2.0 * gw / iw,
                TOP + (edge(layer, rows, ih) + edge(layer + 1, rows, ih)) / 2.0 * gh / ih};
    }

    /** The cell's rectangle in canvas coordinates, {x, y, width, height}: whole pixels unless the image is capped. */
    public double[] cellBounds(int layer, int expert) {
        int gw = gridSize(canvas.getWidth() - LEFT - RIGHT);
        int gh = gridSize(canvas.getHeight() - TOP - BOTTOM);
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        double x0 = (double) edge(expert, experts, iw) * gw / iw;
        double y0 = (double) edge(layer, rows, ih) * gh / ih;
        return new double[] {LEFT + x0, TOP + y0, (double) edge(expert + 1, experts, iw) * gw / iw - x0,
                (double) edge(layer + 1, rows, ih) * gh / ih - y0};
    }

    // Grid geometry, shared by the bake, the hover and the axes. Cell i of n spans image pixels
    // [edge(i), edge(i + 1)): widths differ by at most one pixel and fill the grid exactly.

    /** The grid's extent in whole canvas pixels (0 when there is no room). */
    private static int gridSize(double available) {
        return available >= 1 ? (int) Math.floor(available) : 0;
    }

    /** The baked image's width (or height): the grid's, but at least one pixel per cell and capped in area. */
    static int imageSize(int gridW, int gridH, int cols, int rows, boolean width) {
        double shrink = Math.min(1, Math.sqrt((double) MAX_IMAGE_PIXELS / Math.max(1, (long) gridW * gridH)));
        return width ? Math.max(cols, (int) (gridW * shrink)) : Math.max(rows, (int) (gridH * shrink));
    }

    /** The first image pixel of cell {@code i} of {@code n} over {@code size} pixels. */
    static int edge(int i, int n, int size) {
        return (int) ((long) i * size / n);
    }

    /** The cell of {@code n} over {@code size} pixels that holds pixel {@code p}: the last with edge(i) <= p. */
    static int cellOf(int p, int n, int size) {
        return (int) Math.min(n - 1, (((long) p + 1) * n - 1) / size);
    }

    /** The tooltip text of a cell. */
    public String describe(int layer, int expert) {
        int i = layer * experts + expert;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "layer %d (MoE layer %d of %d), expert %d%n"
                        + "mass %.2f%% of the layer%s", layerNumber(layer), layer + 1, rows, expert, 100 * values[i],
                windowSteps > 1 ? " (mean of " + windowSteps + " steps)" : ""));
        LayerTrace l = shown.layers().get(layer);
        s.append(l.budgeted() ? l.isKept(expert) ? "\nkept: yes" : "\nkept: no" : "\nkept: yes (no budget)");
        s.append(leftOutNodes[i] > 0 ? "\nsubstituted: yes, natural for " + leftOutNodes[i] + " nodes, left out"
                : "\nsubstituted: no");
        if (replacementNodes[i] > 0) {
            s.append("\nreplacement for ").append(replacementNodes[i]).append(" nodes");
        }
        return s.toString();
    }

    private int shownIndex() {
        if (steps.isEmpty()) {
            return -1;
        }
        return selected >= 0 && selected < steps.size() ? selected : steps.size() - 1;
    }

    private void computeModel() {
        modelComputations++;
        modelDirty = false;
        int end = shownIndex();
        shown = end < 0 ? null : steps.get(end);
        hovered = null;
        tooltip.hide();
        if (shown == null || shown.layers().isEmpty()) {
            rows = 0;
            experts = 0;
            windowSteps = 0;
            values = new double[0];
            keptOutlined = new boolean[0];
            leftOutNodes = new int[0];
            replacementNodes = new int[0];
            pixels = new int[0];
            maxValue = 0;
            imageDirty = true;
            return;
        }
        rows = shown.layers().size();
        experts = shown.layers().get(0).numExperts();
        int cells = rows * experts;
        values = new double[cells];
        int first = Math.max(0, end - Math.max(1, window.get()) + 1);
        windowSteps = 0;
        for (int s = first; s <= end; s++) {
            List<LayerTrace> layers = steps.get(s).layers();
            if (layers.size() != rows) {
                continue; // a step of another shape (cannot happen within one run)
            }
            windowSteps++;
            for (int li = 0; li < rows; li++) {
                addShares(layers.get(li), values, li * experts);
            }
        }
        maxValue = 0;
        for (int i = 0; i < cells; i++) {
            values[i] /= windowSteps;
            maxValue = Math.max(maxValue, values[i]);
        }

        // the shown step's budget: kept set, left-out natural experts, replacements
        keptOutlined = new boolean[cells];
        leftOutNodes = new int[cells];
        replacementNodes = new int[cells];
        for (int li = 0; li < rows; li++) {
            LayerTrace l = shown.layers().get(li);
            int base = li * experts;
            if (l.budgeted()) {
                for (int k = 0; k < l.kept().size(); k++) {
                    keptOutlined[base + l.kept().get(k)] = true;
                }
            }
            for (int node = 0; node < l.nodes(); node++) {
                if (l.missingNatural(node) == 0) {
                    continue; // the common case, without building substitution records
                }
                for (LayerTrace.Substitution sub : l.substitutions(node)) {
                    leftOutNodes[base + sub.natural()]++;
                    if (sub.replacement() >= 0) {
                        replacementNodes[base + sub.replacement()]++;
                    }
                }
            }
        }

        if (pixels.length != cells) {
            pixels = new int[cells];
        }
        int top = argbTable.length - 1;
        for (int i = 0; i < cells; i++) {
            double t = maxValue > 0 ? values[i] / maxValue : 0;
            pixels[i] = argbTable[(int) Math.round(t * top)];
        }
        imageDirty = true;
    }

    /**
     * Bakes cells, kept outlines and marks into {@link #image} for a {@code gw} x {@code gh} grid:
     * fills first, then per cell its border pixels (outline) and the pixels near its centre (mark).
     */
    private void bake(int gw, int gh) {
        imageBuilds++;
        imageDirty = false;
        gridW = gw;
        gridH = gh;
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        if (image == null || imageW != iw || imageH != ih) {
            // the image shares this array: the canvas reads the ints as they are, no copy or conversion
            baked = new int[iw * ih];
            buffer = new PixelBuffer<>(iw, ih, IntBuffer.wrap(baked), PixelFormat.getIntArgbPreInstance());
            image = new WritableImage(buffer);
            imageW = iw;
            imageH = ih;
        }
        int[] xs = new int[experts + 1];
        for (int e = 0; e <= experts; e++) {
            xs[e] = edge(e, experts, iw);
        }
        for (int l = 0; l < rows; l++) {
            int y0 = edge(l, rows, ih);
            int y1 = edge(l + 1, rows, ih);
            // one scan line of the row's fills, copied down the row's height
            int line = y0 * iw;
            for (int e = 0; e < experts; e++) {
                Arrays.fill(baked, line + xs[e], line + xs[e + 1], pixels[l * experts + e]);
            }
            for (int y = y0 + 1; y < y1; y++) {
                System.arraycopy(baked, line, baked, y * iw, iw);
            }
            for (int e = 0; e < experts; e++) {
                int i = l * experts + e;
                int cw = xs[e + 1] - xs[e];
                int ch = y1 - y0;
                if (keptOutlined[i] && cw >= 3 && ch >= 3) {
                    outline(iw, xs[e], y0, cw, ch, Math.min(cw, ch) >= 16 ? 2 : 1);
                }
                if (leftOutNodes[i] > 0 || replacementNodes[i] > 0) {
                    mark(iw, xs[e], y0, cw, ch, leftOutNodes[i] > 0, isLight(i) ? DARK_INK : LIGHT_INK);
                }
            }
        }
        buffer.updateBuffer(b -> null); // all of it changed
    }

    /** The cell's border, {@code t} pixels thick, in the kept colour. */
    private void outline(int stride, int x0, int y0, int cw, int ch, int t) {
        for (int k = 0; k < t; k++) {
            Arrays.fill(baked, (y0 + k) * stride + x0, (y0 + k) * stride + x0 + cw, KEPT_ARGB);
            Arrays.fill(baked, (y0 + ch - 1 - k) * stride + x0, (y0 + ch - 1 - k) * stride + x0 + cw,
                    KEPT_ARGB);
        }
        for (int y = y0 + t; y < y0 + ch - t; y++) {
            for (int k = 0; k < t; k++) {
                baked[y * stride + x0 + k] = KEPT_ARGB;
                baked[y * stride + x0 + cw - 1 - k] = KEPT_ARGB;
            }
        }
    }

    /**
     * A cross (both diagonals out to r) or a dot (a disc of 0.9 r) about the cell's centre, r being
     * 0.28 of the cell's shorter side: each pixel of the box around the centre is tested by its
     * own centre's offset.
     */
    private void mark(int stride, int x0, int y0, int cw, int ch, boolean cross, int ink) {
        double r = Math.max(1, Math.min(cw, ch) * 0.28);
        double half = r >= 4 ? 0.75 : 0.5; // a diagonal's half-thickness: thicker in big cells
        double d2 = 0.81 * r * r;
        double cx = x0 + cw / 2.0;
        double cy = y0 + ch / 2.0;
        int reach = (int) Math.ceil(r);
        for (int y = Math.max(y0, (int) cy - reach); y < Math.min(y0 + ch, (int) cy + reach + 1); y++) {
            double dy = y + 0.5 - cy;
            for (int x = Math.max(x0, (int) cx - reach); x < Math.min(x0 + cw, (int) cx + reach + 1); x++) {
                double dx = x + 0.5 - cx;
                boolean on = cross
                        ? Math.abs(dx) <= r && Math.abs(dy) <= r && Math.abs(Math.abs(dx) - Math.abs(dy)) <= half
                        : dx * dx + dy * dy <= d2;
                if (on) {
                    baked[y * stride + x] = ink;
                }
            }
        }
    }

    private static int argb(Color c) {
        return 0xFF000000 | (int) Math.round(c.getRed() * 255) << 16 | (int) Math.round(c.getGreen() * 255) << 8
                | (int) Math.round(c.getBlue() * 255);
    }

    /** Adds the layer's mass shares (summing to 1) at {@code offset}; natural weights if it carries no mass. */
    private static void addShares(LayerTrace l, double[] into, int offset) {
        int n = l.numExperts();
        double total = l.mass().sum();
        if (total > 0) {
            for (int e = 0; e < n; e++) {
                into[offset + e] += l.mass().get(e) / total;
            }
            return;
        }
        double natural = l.naturalWeights().sum();
        if (natural > 0) {
            for (int i = 0; i < l.naturalIds().size(); i++) {
                into[offset + l.naturalIds().get(i)] += l.naturalWeights().get(i) / natural;
            }
        }
    }

    private void draw() {
        redraws++;
        if (modelDirty) {
            computeModel();
        }
        boolean dark = theme.get().isDark();
        Color background = dark ? Color.web("#1e1f22") : Color.WHITE;
        Color text = dark ? Color.web("#dfe1e5") : Color.web("#1f2328");
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setFill(background);
        g.fillRect(0, 0, w, h);
        if (shown == null) {
            stepLabel.setText("no step yet");
            maxLabel.setText("max");
            return;
        }
        stepLabel.setText("step " + shown.step() + (selected < 0 ? " (newest)" : "")
                + (windowSteps > 1 ? " \u00b7 mean of " + windowSteps + " steps" : ""));
        maxLabel.setText(String.format(Locale.ROOT, "%.1f%%", 100 * maxValue));
        if (rows == 0) {
            g.setFill(text);
            g.fillText("no MoE layers", LEFT, TOP + 14);
            return;
        }
        int gw = gridSize(w - LEFT - RIGHT);
        int gh = gridSize(h - TOP - BOTTOM);
        if (gw == 0 || gh == 0) {
            return;
        }
        if (imageDirty || gw != gridW || gh != gridH) {
            bake(gw, gh);
        }
        g.setImageSmoothing(false); // crisp cells, not a blur (the image is 1:1 unless capped or tiny)
        g.drawImage(image, 0, 0, imageW, imageH, LEFT, TOP, gw, gh);
        drawAxes(g, text, gw, gh);
    }

    private boolean isLight(int cell) {
        return maxValue > 0 && values[cell] / maxValue > 0.55; // viridis turns light past the green
    }

    private void drawAxes(GraphicsContext g, Color text, int pw, int ph) {
        double cw = (double) pw / experts;
        double ch = (double) ph / rows;
        g.setFill(text);
        g.setStroke(text);
        g.setLineWidth(1);
        g.setFont(Font.font("Monospaced", 10));
        // layer numbers at a step that keeps them 12 px apart
        int layerStep = niceStep(12 / ch);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int l = 0; l < rows; l += layerStep) {
            g.fillText(Integer.toString(layerNumber(l)), LEFT - 6, cellCentre(l, 0)[1]);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText("layer", 2, 0);
        // expert ticks 28 px apart
        int expertStep = niceStep(28 / cw);
        g.setTextAlign(TextAlignment.CENTER);
        g.beginPath();
        for (int e = 0; e < experts; e += expertStep) {
            double x = cellCentre(0, e)[0];
            g.moveTo(x, TOP + ph);
            g.lineTo(x, TOP + ph + 4);
            g.fillText(Integer.toString(e), x, TOP + ph + 5);
        }
        g.stroke();
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("expert", LEFT + pw, TOP + ph + 17);
    }

    /** The smallest of 1, 2, 4, 8, ... at least {@code min}. */
    static int niceStep(double min) {
        int step = 1;
        while (step < min && step < 1 << 20) {
            step *= 2;
        }
        return step;
    }
}
