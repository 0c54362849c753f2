package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;

/**
 * What {@link CascadeView} draws, apart from its nodes: the {@link CascadeSeries} of the run, the
 * selection, and the painting of the chart. Painting records the axes, bands and flags, which the
 * view's hover, its clicks and the tests read. The focus names nothing the chart shows but the
 * step, which the selected-step marker marks.
 */
public final class CascadeFigure extends AbstractTraceFigure {

    static final double LEFT = 56;
    static final double RIGHT = 48;
    static final double TOP = 24;
    static final double BOTTOM = 34;
    static final String FONT = "Monospaced";
    /** Phases drawn as bands; FIXED has none, there being no controller to show. */
    static final List<ControllerPhase> SHADED = List.of(ControllerPhase.BASELINE, ControllerPhase.TEST,
            ControllerPhase.SET);

    private final CascadeSeries series = new CascadeSeries();
    private int selected = -1;

    // What the last paint showed.
    private int shownStep = -1;
    private ChartAxis xAxis;
    private ChartAxis uAxis;
    private ChartAxis kAxis;
    private final List<Bounds> bandBounds = new ArrayList<>();
    private final List<CascadeSeries.PhaseBand> bandsDrawn = new ArrayList<>();
    private final List<Integer> flagSteps = new ArrayList<>();

    @Override
    public void start(RunHeader header) {
        series.clear();
        selected = -1;
    }

    @Override
    public void append(StepTrace step) {
        series.add(step);
    }

    @Override
    public void select(int index) {
        selected = index;
    }

    CascadeSeries series() {
        return series;
    }

    int shownStep() {
        return shownStep;
    }

    List<CascadeSeries.PhaseBand> bandsDrawn() {
        return List.copyOf(bandsDrawn);
    }

    Bounds bandBounds(int i) {
        return bandBounds.get(i);
    }

    List<Integer> flagSteps() {
        return List.copyOf(flagSteps);
    }

    ChartAxis xAxis() {
        return xAxis;
    }

    ChartAxis uAxis() {
        return uAxis;
    }

    ChartAxis kAxis() {
        return kAxis;
    }

    Color phaseColor(ControllerPhase phase) {
        return palette().phase(phase);
    }

    Color markerColor() {
        return palette().marker;
    }

    Color utilityColor() {
        return palette().utility;
    }

    Color kColor() {
        return palette().k;
    }

    @Override
    public List<FigureLegend.Item> legend() {
        Palette pal = palette();
        List<FigureLegend.Item> items = new ArrayList<>();
        for (ControllerPhase phase : SHADED) {
            items.add(FigureLegend.Item.swatch(pal.phase(phase), CascadeView.phaseName(phase)));
        }
        items.add(FigureLegend.Item.line(pal.utility, null, "U (left)"));
        items.add(FigureLegend.Item.line(pal.k, null, "K (right)"));
        items.add(FigureLegend.Item.swatch(pal.flag, "settings changed"));
        return items;
    }

    /** The index of the settings change whose flag is at plot point (x, y), -1 for none. */
    int flagAt(double x, double y) {
        if (xAxis == null || y > TOP + 2 || y < 0) {
            return -1;
        }
        List<SettingsChange> changes = series.settingsChanges();
        for (int i = 0; i < changes.size(); i++) {
            double fx = xAxis.toPixel(changes.get(i).step());
            if (x >= fx - 3 && x <= fx + 11) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The step number at plot point (x, y): the step whose slot holds x, anywhere from the top
     * of the figure down to the step axis; -1 outside the plot or before any step.
     */
    int stepAt(double x, double y) {
        if (xAxis == null || series.size() == 0 || y < 0 || y > uAxis.pixel0() || x < xAxis.pixel0()
                || x > xAxis.pixel1()) {
            return -1;
        }
        int step = (int) Math.round(xAxis.toValue(x));
        int clamped = Math.clamp(step, series.firstStep(), series.lastStep());
        return series.indexOf(clamped) < 0 ? -1 : clamped;
    }

    /** The index in the series of the step to mark: the selected one, or the newest. */
    private int indexToShow() {
        if (series.size() == 0) {
            return -1;
        }
        return selected >= 0 && selected < series.size() ? selected : series.size() - 1;
    }

    @Override
    public void paintPlot(FigureGraphics g, double w, double h) {
        Palette pal = palette();
        g.setLineDashes((double[]) null);
        g.setFill(pal.background);
        g.fillRect(0, 0, w, h);
        bandsDrawn.clear();
        bandBounds.clear();
        flagSteps.clear();

        double x0 = LEFT;
        double x1 = Math.max(x0 + 1, w - RIGHT);
        double yBottom = Math.max(TOP + 1, h - BOTTOM);
        // Half a step of room either side, so that the first and last steps get whole bands.
        xAxis = new ChartAxis(series.firstStep() - 0.5, Math.max(series.lastStep(), series.firstStep() + 1) + 0.5,
                x0, x1);
        // U: from 0, with headroom over the largest U and always showing the U = 1 line.
        double uTop = ChartAxis.niceCeil(Math.max(1.5, Double.isNaN(series.maxUtility()) ? 0 : series.maxUtility() * 1.1));
        uAxis = new ChartAxis(0, uTop, yBottom, TOP);
        // K: one above the largest K, so that the step line never runs along the top.
        kAxis = new ChartAxis(0, Math.max(2, series.maxK() + 1), yBottom, TOP);

        int show = indexToShow();
        shownStep = show < 0 ? -1 : series.step(show);
        if (w <= LEFT + RIGHT || h <= TOP + BOTTOM) {
            return;
        }

        // phase bands, behind everything
        for (CascadeSeries.PhaseBand band : series.bands()) {
            if (!SHADED.contains(band.phase())) {
                continue;
            }
            double bx0 = xAxis.toPixel(band.from() - 0.5);
            double bx1 = xAxis.toPixel(band.to() + 0.5);
            g.setFill(pal.phase(band.phase()));
            g.fillRect(bx0, TOP, bx1 - bx0, yBottom - TOP);
            bandsDrawn.add(band);
            bandBounds.add(new BoundingBox(bx0, TOP, bx1 - bx0, yBottom - TOP));
        }

        // grid at the U ticks (not along the frame's top edge)
        g.setFont(FONT, 11);
        g.setLineWidth(1);
        g.setStroke(pal.grid);
        List<Double> uTicks = uAxis.ticks(5);
        for (double u : uTicks) {
            double y = snap(uAxis.toPixel(u));
            if (u > 0 && u < uTop) {
                g.strokeLine(x0, y, x1, y);
            }
        }

        // S at the start of each set band: the set phase's length, which doubles on every fall to K = 0
        g.setFill(pal.text);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        for (CascadeSeries.PhaseBand band : series.bands()) {
            if (band.phase() == ControllerPhase.SET) {
                int s = series.setLength(series.indexOf(band.from()));
                g.fillText("S=" + s, xAxis.toPixel(band.from() - 0.5) + 2, TOP + 8);
            }
        }

        // U = 1: speculation neither helps nor hurts
        double yOne = snap(uAxis.toPixel(1));
        g.setStroke(pal.text);
        g.setLineDashes(6, 4);
        g.strokeLine(x0, yOne, x1, yOne);
        g.setLineDashes((double[]) null);
        g.setTextBaseline(VPos.BOTTOM);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("U = 1", x1 - 4, yOne - 2);

        // K as a step line on the right axis: each step's K held across its slot
        g.setStroke(pal.k);
        g.setLineWidth(2);
        g.beginPath();
        for (int i = 0; i < series.size(); i++) {
            double y = kAxis.toPixel(series.k(i));
            double sx0 = xAxis.toPixel(series.step(i) - 0.5);
            double sx1 = xAxis.toPixel(series.step(i) + 0.5);
            if (i == 0) {
                g.moveTo(sx0, y);
            } else {
                g.lineTo(sx0, y);
            }
            g.lineTo(sx1, y);
        }
        g.stroke();

        // U as a line, broken where the controller had not measured one (NaN)
        g.setStroke(pal.utility);
        g.setLineWidth(2);
        boolean open = false;
        g.beginPath();
        for (int i = 0; i < series.size(); i++) {
            double u = series.utility(i);
            if (Double.isNaN(u)) {
                open = false;
                continue;
            }
            double x = xAxis.toPixel(series.step(i));
            double y = uAxis.toPixel(u);
            if (open) {
                g.lineTo(x, y);
            } else {
                g.moveTo(x, y);
                open = true;
            }
        }
        g.stroke();
        if ((x1 - x0) / Math.max(1, series.size()) >= 8) {
            g.setFill(pal.utility);
            for (int i = 0; i < series.size(); i++) {
                double u = series.utility(i);
                if (!Double.isNaN(u)) {
                    g.fillOval(xAxis.toPixel(series.step(i)) - 2.5, uAxis.toPixel(u) - 2.5, 5, 5);
                }
            }
        }

        // frame and axes
        g.setLineWidth(1);
        g.setStroke(pal.axis);
        g.strokeRect(snap(x0), snap(TOP), snap(x1) - snap(x0), snap(yBottom) - snap(TOP));
        g.setFill(pal.text);
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        for (double u : uTicks) {
            double y = snap(uAxis.toPixel(u));
            g.strokeLine(x0 - 4, y, x0, y);
            g.fillText(format(u), x0 - 6, y);
        }
        g.setTextAlign(TextAlignment.LEFT);
        for (int k : kAxis.integerTicks(6)) {
            double y = snap(kAxis.toPixel(k));
            g.strokeLine(x1, y, x1 + 4, y);
            g.fillText(Integer.toString(k), x1 + 6, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int s : xAxis.integerTicks((int) Math.max(2, (x1 - x0) / 70))) {
            double x = snap(xAxis.toPixel(s));
            g.strokeLine(x, yBottom, x, yBottom + 4);
            g.fillText(Integer.toString(s), x, yBottom + 5);
        }
        g.fillText("step", (x0 + x1) / 2, yBottom + 18);
        g.save();
        g.translate(12, (TOP + yBottom) / 2);
        g.rotate(-90);
        g.setFill(pal.utility);
        g.fillText("utility U", 0, -6);
        g.restore();
        g.save();
        g.translate(w - 10, (TOP + yBottom) / 2);
        g.rotate(90);
        g.setFill(pal.k);
        g.fillText("draft length K", 0, -6);
        g.restore();

        // the selected step
        if (show >= 0) {
            double x = snap(xAxis.toPixel(shownStep));
            g.setStroke(pal.marker);
            g.setLineWidth(2);
            g.strokeLine(x, TOP, x, yBottom);
        }

        // a flag over each step whose settings changed, labelled with what changed as far as
        // the next flag (an exported figure has no tooltip to tell it)
        g.setLineWidth(1.5);
        g.setFont(FONT, 10);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        List<SettingsChange> changes = series.settingsChanges();
        for (int i = 0; i < changes.size(); i++) {
            SettingsChange change = changes.get(i);
            double x = snap(xAxis.toPixel(change.step()));
            g.setStroke(pal.flag);
            g.strokeLine(x, TOP, x, TOP - 18);
            g.setFill(pal.flag);
            g.fillPolygon(new double[] {x, x + 10, x}, new double[] {TOP - 18, TOP - 14, TOP - 10}, 3);
            double room = (i + 1 < changes.size() ? xAxis.toPixel(changes.get(i + 1).step()) : w) - x - 18;
            String label = fit(g, change.summary(), room);
            if (!label.isEmpty()) {
                g.fillText(label, x + 13, TOP - 14);
            }
            flagSteps.add(change.step());
        }
    }

    /** {@code text}, cut with an ellipsis to at most {@code room} wide in the current font; "" when not even a few letters fit. */
    static String fit(FigureGraphics g, String text, double room) {
        if (g.textWidth(text) <= room) {
            return text;
        }
        for (int n = text.length() - 1; n >= 3; n--) {
            String cut = text.substring(0, n) + "\u2026";
            if (g.textWidth(cut) <= room) {
                return cut;
            }
        }
        return "";
    }

    @Override
    public String caption() {
        int show = indexToShow();
        if (show < 0) {
            return "no step yet";
        }
        ControllerState c = series.state(show);
        String u = Double.isNaN(c.utility()) ? "\u2013" : String.format(Locale.ROOT, "%.3f", c.utility());
        return "step " + series.step(show) + (selected < 0 ? " (newest)" : "") + " \u00b7 "
                + CascadeView.phaseName(c.phase()) + " \u00b7 K=" + c.k() + " \u00b7 U=" + u
                + (c.phase() == ControllerPhase.FIXED ? "" : " \u00b7 S=" + c.setLength());
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    /** Centres a 1-pixel line on a pixel, so that it is drawn crisp. */
    private static double snap(double v) {
        return Math.floor(v) + 0.5;
    }

    private Palette palette() {
        // Okabe-Ito hues (orange, sky blue, vermillion, blue), tinted for the bands so that lines stay readable.
        return theme.isDark()
                ? new Palette(Color.web("#1e1f22"), Color.web("#3a3d42"), Color.web("#5a4a26"), Color.web("#23475a"),
                Color.web("#56b4e9"), Color.web("#e69f00"), Color.web("#f0f0f0"), Color.web("#ff6e54"),
                Color.web("#33363b"), Color.web("#8b8f96"), Color.web("#dfe1e5"))
                : new Palette(Color.WHITE, Color.web("#e4e6ea"), Color.web("#fbe3b8"), Color.web("#d3ebf8"),
                Color.web("#0072b2"), Color.web("#d55e00"), Color.web("#1f2328"), Color.web("#cc2f00"),
                Color.web("#e9ecf0"), Color.web("#6e7781"), Color.web("#1f2328"));
    }

    private record Palette(Color background, Color baseline, Color test, Color set, Color utility, Color k,
                           Color marker, Color flag, Color grid, Color axis, Color text) {

        Color phase(ControllerPhase phase) {
            return switch (phase) {
                case FIXED -> background;
                case BASELINE -> baseline;
                case TEST -> test;
                case SET -> set;
            };
        }
    }
}
