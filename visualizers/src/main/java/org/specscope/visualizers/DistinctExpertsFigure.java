package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.visualizers.DistinctExpertStats.LayerCounts;
import org.specscope.visualizers.DistinctExpertStats.Measure;
import org.specscope.visualizers.DistinctExpertStats.Summary;

/**
 * What {@link DistinctExpertsView} draws, apart from its nodes: the steps and their
 * {@link DistinctExpertStats}, the selection, and the painting of the grouped bars, the focused
 * layer's group outlined. Painting records the bars and layer groups, which the view's hover and
 * the tests read.
 */
public final class DistinctExpertsFigure extends StepFigure {

    static final double LEFT = 52;
    static final double RIGHT = 16;
    static final double TOP = 16;
    static final double BOTTOM = 38;
    static final String FONT = "Monospaced";
    static final double[] P90_DASHES = {5, 3};
    static final double[] P99_DASHES = {1.5, 2.5};

    private final DistinctExpertStats stats = new DistinctExpertStats();

    // What the last paint showed.
    private StepTrace shown;
    private List<LayerCounts> counts = List.of();
    private ChartAxis yAxis;
    private final List<EnumMap<Measure, Bounds>> bars = new ArrayList<>();
    private final List<Bounds> groups = new ArrayList<>();

    @Override
    public void start(RunHeader header) {
        super.start(header);
        stats.clear();
    }

    @Override
    public void append(StepTrace step) {
        super.append(step);
        stats.add(step);
    }

    DistinctExpertStats stats() {
        return stats;
    }

    StepTrace shown() {
        return shown;
    }

    List<LayerCounts> shownCounts() {
        return counts;
    }

    Bounds barBounds(int i, Measure m) {
        return bars.get(i).get(m);
    }

    ChartAxis yAxis() {
        return yAxis;
    }

    List<Bounds> groups() {
        return groups;
    }

    /** The index in {@link #shownCounts()} of the focused layer's group, outlined; -1 for none. */
    int highlightedGroup() {
        if (focus.hasLayer()) {
            for (int i = 0; i < counts.size(); i++) {
                if (counts.get(i).layer() == focus.layer()) {
                    return i;
                }
            }
        }
        return -1;
    }

    Color measureColor(Measure m) {
        return palette().measure(m);
    }

    Color summaryColor() {
        return palette().summary;
    }

    @Override
    public String caption() {
        return draftsCaption();
    }

    @Override
    public List<FigureLegend.Item> legend() {
        Palette pal = palette();
        List<FigureLegend.Item> items = new ArrayList<>();
        for (Measure m : Measure.values()) {
            items.add(FigureLegend.Item.swatch(pal.measure(m), m.label()));
        }
        items.add(FigureLegend.Item.line(pal.summary, null, "mean"));
        items.add(FigureLegend.Item.line(pal.summary, P90_DASHES, "P90"));
        items.add(FigureLegend.Item.line(pal.summary, P99_DASHES, "P99"));
        return items;
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        Palette pal = palette();
        g.setLineDashes((double[]) null);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        StepTrace step = stepToShow();
        if (step != shown) {
            shown = step;
            counts = step == null ? List.of() : DistinctExpertStats.counts(step);
        }
        bars.clear();
        groups.clear();
        double x0 = LEFT;
        double x1 = Math.max(x0 + 1, w - RIGHT);
        double yBottom = Math.max(TOP + 1, h - BOTTOM);
        // The scale holds every count so far, so that bars compare across steps while scrubbing.
        yAxis = new ChartAxis(0, ChartAxis.niceCeil(Math.max(4, stats.max())), yBottom, TOP);
        if (step == null) {
            return;
        }
        g.setFont(FONT, 11);
        if (counts.isEmpty()) {
            g.setFill(pal.text);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("no MoE layers in step " + step.step(), w / 2, h / 2);
            return;
        }
        if (w <= LEFT + RIGHT || h <= TOP + BOTTOM) {
            return;
        }

        // grid and y axis
        g.setLineWidth(1);
        List<Integer> ticks = yAxis.integerTicks(6);
        g.setStroke(pal.grid);
        for (int v : ticks) {
            double y = snap(yAxis.toPixel(v));
            g.strokeLine(x0, y, x1, y);
        }
        g.setStroke(pal.axis);
        g.strokeLine(snap(x0), TOP, snap(x0), snap(yBottom));
        g.strokeLine(x0, snap(yBottom), x1, snap(yBottom));
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int v : ticks) {
            double y = snap(yAxis.toPixel(v));
            g.strokeLine(x0 - 4, y, x0, y);
            g.fillText(Integer.toString(v), x0 - 6, y);
        }
        g.save();
        g.translate(12, (TOP + yBottom) / 2);
        g.rotate(-90);
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText("distinct experts", 0, 0);
        g.restore();

        // one group per layer: three bars, a fifth of a group's width left between groups
        int n = counts.size();
        double groupW = (x1 - x0) / n;
        double barW = groupW * 0.8 / 3;
        int labelEvery = (int) Math.ceil(28 / groupW);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int i = 0; i < n; i++) {
            LayerCounts c = counts.get(i);
            double gx = x0 + i * groupW + groupW * 0.1;
            EnumMap<Measure, Bounds> layerBars = new EnumMap<>(Measure.class);
            for (Measure m : Measure.values()) {
                double bx = gx + m.ordinal() * barW;
                double top = yAxis.toPixel(c.get(m));
                Bounds b = new BoundingBox(bx, top, barW, yBottom - top);
                layerBars.put(m, b);
                g.setFill(pal.measure(m));
                g.fillRect(b.getMinX(), b.getMinY(), Math.max(1, b.getWidth() - 1), b.getHeight());
                drawSummary(g, pal, stats.summary(c.layer(), m), bx, barW);
            }
            bars.add(layerBars);
            groups.add(new BoundingBox(x0 + i * groupW, TOP, groupW, yBottom - TOP));
            if (i % labelEvery == 0) {
                g.setFill(pal.text);
                g.fillText(Integer.toString(c.layer()), x0 + (i + 0.5) * groupW, yBottom + 4);
            }
        }
        g.setFill(pal.text);
        g.fillText("MoE layer", (x0 + x1) / 2, yBottom + 19);
        int focused = highlightedGroup();
        if (focused >= 0) {
            Bounds b = groups.get(focused);
            FocusStyle.outline(g, theme, pal.background, b.getMinX() + 1, b.getMinY() - 2, b.getWidth() - 2,
                    b.getHeight() + 2);
        }
    }

    /** Mean, P90 and P99 as short horizontal strokes across the bar, a little wider than it. */
    private void drawSummary(FigureGraphics g, Palette pal, Summary s, double bx, double barW) {
        g.setStroke(pal.summary);
        g.setLineWidth(1.5);
        double[] values = {s.mean(), s.p90(), s.p99()};
        double[][] dashes = {null, P90_DASHES, P99_DASHES};
        for (int k = 0; k < 3; k++) {
            g.setLineDashes(dashes[k]);
            double y = yAxis.toPixel(values[k]);
            g.strokeLine(bx - 1, y, bx + barW, y);
        }
        g.setLineDashes((double[]) null);
    }

    private static double snap(double v) {
        return Math.floor(v) + 0.5;
    }

    private Palette palette() {
        // Okabe-Ito orange, blue and bluish green: apart for colour-blind eyes and in grey.
        return theme.isDark()
                ? new Palette(Color.web("#1e1f22"), Color.web("#e69f00"), Color.web("#56b4e9"), Color.web("#009e73"),
                Color.web("#f0f0f0"), Color.web("#33363b"), Color.web("#8b8f96"), Color.web("#dfe1e5"))
                : new Palette(Color.WHITE, Color.web("#e69f00"), Color.web("#0072b2"), Color.web("#009e73"),
                Color.web("#1f2328"), Color.web("#e9ecf0"), Color.web("#6e7781"), Color.web("#1f2328"));
    }

    private record Palette(Color background, Color treeNatural, Color treeUsed, Color accepted, Color summary,
                           Color grid, Color axis, Color text) {

        Color measure(Measure m) {
            return switch (m) {
                case TREE_NATURAL -> treeNatural;
                case TREE_USED -> treeUsed;
                case ACCEPTED_NATURAL -> accepted;
            };
        }
    }
}
