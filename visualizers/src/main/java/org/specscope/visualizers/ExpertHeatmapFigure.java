package org.specscope.visualizers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.LayerTrace;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.ColorMaps;

/**
 * What {@link ExpertHeatmapView} draws, apart from its nodes: the steps, the selection and window,
 * the model of the shown step (cell values, kept outlines, marks) and the painting of the grid and
 * its axes, with the focused layer's row and expert's column outlined.
 *
 * <p>Cells, outlines and marks are baked, with plain loops over an {@code int[]}, into one
 * {@link PixelImage} at the grid's size in pixels (each cell a whole number of pixels wide and high,
 * so borders stay crisp), drawn with one {@link FigureGraphics#drawPixels(PixelImage, double,
 * double, double, double)}: on the screen the canvas reuses its image of the array, so a redraw is
 * one {@code drawImage} plus the axis text; a file embeds it as PNG, the axes and legend staying
 * text. The model is recomputed only when the shown data changes, the image only when the model or
 * the grid's size does; a theme change only repaints.
 */
public final class ExpertHeatmapFigure extends StepFigure {

    static final double LEFT = 46;
    static final double TOP = 8;
    static final double RIGHT = 10;
    static final double BOTTOM = 30;
    static final String FONT = "Monospaced";
    static final Color KEPT = Color.web("#ff2e88");
    private static final int KEPT_ARGB = argb(KEPT);
    private static final int DARK_INK = 0xFF000000;
    private static final int LIGHT_INK = 0xFFFFFFFF;
    /** Above this many pixels the grid image is baked smaller and drawn scaled (a 4K canvas would need 32 MB). */
    static final int MAX_IMAGE_PIXELS = 1 << 22;

    private final int[] argbTable = ColorMaps.SEQUENTIAL.argbTable(256);
    private int window = 1;
    private boolean modelDirty = true;
    private int modelComputations;

    // The model of the last computation: the hover and the tests read it.
    private StepTrace shown;
    private int windowSteps;
    private int windowFirstStep;
    private int rows;
    private int experts;
    private double[] values = new double[0];
    private double maxValue;
    private boolean[] keptOutlined = new boolean[0];
    private int[] leftOutNodes = new int[0];
    private int[] replacementNodes = new int[0];
    private int[] pixels = new int[0];
    // The baked grid: image.width() x image.height() pixels drawn into gridW x gridH at (LEFT, TOP).
    private boolean imageDirty = true;
    private int imageBuilds;
    private int gridW;
    private int gridH;
    private PixelImage image;

    @Override
    public void start(RunHeader header) {
        super.start(header);
        modelDirty = true;
    }

    @Override
    public void append(StepTrace step) {
        super.append(step);
        if (selected < 0 || selected >= steps.size() - 1) {
            modelDirty = true; // the shown step (or its window) changed
        }
    }

    @Override
    public void select(int index) {
        if (index != selected) {
            super.select(index);
            modelDirty = true;
        }
    }

    /** W: how many steps, up to the shown one, the cell values average (at least 1). */
    public void setWindow(int w) {
        if (w != window) {
            window = w;
            modelDirty = true;
        }
    }

    /** Whether the model waits to be recomputed (the shown data changed since). */
    boolean isModelDirty() {
        return modelDirty;
    }

    /** Recomputes the model if the shown data changed. */
    void ensureModel() {
        if (modelDirty) {
            computeModel();
        }
    }

    /** The values array of the model: a new one on each computation. */
    Object modelIdentity() {
        return values;
    }

    int shownStep() {
        return shown == null ? -1 : shown.step();
    }

    int windowSteps() {
        return windowSteps;
    }

    int rows() {
        return rows;
    }

    int experts() {
        return experts;
    }

    int layerNumber(int row) {
        return shown.layers().get(row).layer();
    }

    double cellValue(int layer, int expert) {
        return values[layer * experts + expert];
    }

    double maxValue() {
        return maxValue;
    }

    boolean isKeptOutlined(int layer, int expert) {
        return keptOutlined[layer * experts + expert];
    }

    ExpertHeatmapView.Mark markAt(int layer, int expert) {
        int i = layer * experts + expert;
        return leftOutNodes[i] > 0 ? ExpertHeatmapView.Mark.LEFT_OUT
                : replacementNodes[i] > 0 ? ExpertHeatmapView.Mark.REPLACEMENT : ExpertHeatmapView.Mark.NONE;
    }

    int cellArgb(int layer, int expert) {
        return pixels[layer * experts + expert];
    }

    /** The row of the focused layer, outlined across the grid; -1 when no layer is focused or it is not shown. */
    int highlightedRow() {
        ensureModel();
        if (focus.hasLayer()) {
            for (int row = 0; row < rows; row++) {
                if (layerNumber(row) == focus.layer()) {
                    return row;
                }
            }
        }
        return -1;
    }

    /** The focused expert's column, outlined down the grid; -1 for none. */
    int highlightedExpert() {
        ensureModel();
        return focus.hasExpert() && focus.expert() < experts ? focus.expert() : -1;
    }

    int modelComputeCount() {
        return modelComputations;
    }

    int imageBuildCount() {
        return imageBuilds;
    }

    /** The max label: the top of the colour scale as a percentage. */
    String maxText() {
        return shown == null ? "max" : String.format(Locale.ROOT, "%.1f%%", 100 * maxValue);
    }

    @Override
    public String caption() {
        ensureModel();
        if (shown == null) {
            return "no step yet";
        }
        String caption = "step " + shown.step() + (selected < 0 ? " (newest)" : "")
                + (windowSteps > 1 ? " \u00b7 mean of " + windowSteps + " steps" : "");
        // a mean over steps that ran different settings mixes them: say so
        List<SettingsChange> spanned = windowSteps > 1 ? changes.within(windowFirstStep, shown.step()) : List.of();
        return spanned.isEmpty() ? markingChange(caption, shown)
                : caption + " \u00b7 " + SettingsChange.spanned("window", spanned);
    }

    @Override
    public List<FigureLegend.Item> legend() {
        ensureModel();
        return List.of(
                FigureLegend.Item.ramp("share of the layer's routing mass, 0 to the hottest cell (" + maxText() + ")"),
                FigureLegend.Item.outline(KEPT, null, "kept by the budget"),
                FigureLegend.Item.text("\u00d7 natural expert left out"),
                FigureLegend.Item.text("\u2022 replacement"));
    }

    @Override
    public Color background() {
        return theme.isDark() ? Color.web("#1e1f22") : Color.WHITE;
    }

    @Override
    public Color ink() {
        return theme.isDark() ? Color.web("#dfe1e5") : Color.web("#1f2328");
    }

    // Grid geometry, shared by the bake, the hover and the axes. Cell i of n spans image pixels
    // [edge(i), edge(i + 1)): widths differ by at most one pixel and fill the grid exactly.

    /** The grid's extent in whole pixels (0 when there is no room). */
    static int gridSize(double available) {
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

    /** The cell drawn at point (x, y) of a plot {@code w} by {@code h}, null for none. */
    ExpertHeatmapView.Cell cellAt(double x, double y, double w, double h) {
        int gw = gridSize(w - LEFT - RIGHT);
        int gh = gridSize(h - TOP - BOTTOM);
        if (rows == 0 || experts == 0 || gw == 0 || gh == 0 || x < LEFT || y < TOP
                || x >= LEFT + gw || y >= TOP + gh) {
            return null;
        }
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        return new ExpertHeatmapView.Cell(cellOf((int) ((y - TOP) * ih / gh), rows, ih),
                cellOf((int) ((x - LEFT) * iw / gw), experts, iw));
    }

    /** The centre of a cell in a plot {@code w} by {@code h}, {x, y}. */
    double[] cellCentre(int layer, int expert, double w, double h) {
        if (rows == 0 || experts == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return centre(layer, expert, gridSize(w - LEFT - RIGHT), gridSize(h - TOP - BOTTOM));
    }

    private double[] centre(int layer, int expert, int gw, int gh) {
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        return new double[] {LEFT + (edge(expert, experts, iw) + edge(expert + 1, experts, iw)) / 2.0 * gw / iw,
                TOP + (edge(layer, rows, ih) + edge(layer + 1, rows, ih)) / 2.0 * gh / ih};
    }

    /** The cell's rectangle in a plot {@code w} by {@code h}, {x, y, width, height}. */
    double[] cellBounds(int layer, int expert, double w, double h) {
        int gw = gridSize(w - LEFT - RIGHT);
        int gh = gridSize(h - TOP - BOTTOM);
        int iw = imageSize(gw, gh, experts, rows, true);
        int ih = imageSize(gw, gh, experts, rows, false);
        double x0 = (double) edge(expert, experts, iw) * gw / iw;
        double y0 = (double) edge(layer, rows, ih) * gh / ih;
        return new double[] {LEFT + x0, TOP + y0, (double) edge(expert + 1, experts, iw) * gw / iw - x0,
                (double) edge(layer + 1, rows, ih) * gh / ih - y0};
    }

    /** The tooltip text of a cell. */
    String describe(int layer, int expert) {
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

    private void computeModel() {
        modelComputations++;
        modelDirty = false;
        int end = shownIndex();
        shown = end < 0 ? null : steps.get(end);
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
        int first = Math.max(0, end - Math.max(1, window) + 1);
        windowFirstStep = steps.get(first).step();
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
        if (image == null || image.width() != iw || image.height() != ih) {
            image = new PixelImage(iw, ih);
        }
        int[] baked = image.argb();
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
                    outline(baked, iw, xs[e], y0, cw, ch, Math.min(cw, ch) >= 16 ? 2 : 1);
                }
                if (leftOutNodes[i] > 0 || replacementNodes[i] > 0) {
                    mark(baked, iw, xs[e], y0, cw, ch, leftOutNodes[i] > 0, isLight(i) ? DARK_INK : LIGHT_INK);
                }
            }
        }
        image.changed();
    }

    /** The cell's border, {@code t} pixels thick, in the kept colour. */
    private static void outline(int[] baked, int stride, int x0, int y0, int cw, int ch, int t) {
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
    private static void mark(int[] baked, int stride, int x0, int y0, int cw, int ch, boolean cross, int ink) {
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

    private boolean isLight(int cell) {
        return maxValue > 0 && values[cell] / maxValue > 0.55; // viridis turns light past the green
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        ensureModel();
        Color text = ink();
        g.setFill(background());
        g.fillRect(0, 0, w, h);
        if (shown == null) {
            return;
        }
        if (rows == 0) {
            g.setFill(text);
            g.setFont(FONT, 12);
            g.setTextAlign(TextAlignment.LEFT);
            g.setTextBaseline(VPos.BASELINE);
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
        g.drawPixels(image, LEFT, TOP, gw, gh); // crisp cells, not a blur (1:1 unless capped or tiny)
        paintFocus(g, w, h, gw, gh);
        paintAxes(g, text, gw, gh);
    }

    /**
     * The focused layer's row and expert's column outlined over the grid: strokes, not baked
     * into the image, so that a new focus costs no bake.
     */
    private void paintFocus(FigureGraphics g, double w, double h, int gw, int gh) {
        int row = highlightedRow();
        int col = highlightedExpert();
        if (row >= 0) {
            double[] b = cellBounds(row, 0, w, h);
            FocusStyle.outline(g, theme, background(), LEFT, b[1], gw, b[3]);
        }
        if (col >= 0) {
            double[] b = cellBounds(0, col, w, h);
            FocusStyle.outline(g, theme, background(), b[0], TOP, b[2], gh);
        }
    }

    private void paintAxes(FigureGraphics g, Color text, int pw, int ph) {
        double cw = (double) pw / experts;
        double ch = (double) ph / rows;
        g.setFill(text);
        g.setStroke(text);
        g.setLineWidth(1);
        g.setLineDashes((double[]) null);
        g.setFont(FONT, 10);
        // layer numbers at a step that keeps them 12 px apart
        int layerStep = niceStep(12 / ch);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int l = 0; l < rows; l += layerStep) {
            g.fillText(Integer.toString(layerNumber(l)), LEFT - 6, centre(l, 0, pw, ph)[1]);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText("layer", 2, 0);
        // expert ticks 28 px apart
        int expertStep = niceStep(28 / cw);
        g.setTextAlign(TextAlignment.CENTER);
        g.beginPath();
        for (int e = 0; e < experts; e += expertStep) {
            double x = centre(0, e, pw, ph)[0];
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
