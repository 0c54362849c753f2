package org.specscope.visualizers;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.specscope.engine.control.ControllerPhase;

/**
 * The Cascade draft-length controller over the run (x = step): the measured utility U as a line
 * against the left axis, with the U = 1 reference (below it speculation slows decoding down);
 * the draft length K it chose as a step line against the right axis; the controller's phases as
 * background bands (baseline K = 0 runs, test, set; fixed K has none), each set band labelled
 * with its length S. A vertical marker shows the selected step, and a flag at the top each step
 * whose settings differ from the previous step's, labelled with what changed (hover it for the
 * settings before and after; {@link SettingsChanges} finds them, as for every view). Everything comes
 * from the steps' {@link ControllerState} and settings, modelled by {@link CascadeSeries}; the
 * canvas is redrawn at most once per pulse. Clicking a step's slot (or its flag) focuses that
 * step ({@link SharedFocus}), which the marker then marks.
 */
public final class CascadeView extends FigureView<CascadeFigure> {

    static final List<ControllerPhase> SHADED = CascadeFigure.SHADED;

    private final Map<ControllerPhase, Rectangle> swatches = new EnumMap<>(ControllerPhase.class);
    private final Rectangle utilitySwatch = new Rectangle(14, 3);
    private final Rectangle kSwatch = new Rectangle(14, 3);

    public CascadeView() {
        super("cascade", new CascadeFigure());
        layOut(legend());
    }

    private FlowPane legend() {
        FlowPane box = new FlowPane(stepLabel());
        for (ControllerPhase phase : SHADED) {
            Rectangle r = new Rectangle(12, 12);
            swatches.put(phase, r);
            box.getChildren().add(new Label(phaseName(phase), r));
        }
        box.getChildren().addAll(new Label("U (left)", utilitySwatch), new Label("K (right)", kSwatch),
                new Label("\u2691 settings changed"));
        box.setAlignment(Pos.CENTER_LEFT);
        box.setHgap(10);
        box.setVgap(4);
        box.getStyleClass().add("cascade-legend");
        return box;
    }

    static String phaseName(ControllerPhase phase) {
        return switch (phase) {
            case FIXED -> "fixed K";
            case BASELINE -> "baseline (K = 0)";
            case TEST -> "test";
            case SET -> "set";
        };
    }

    @Override
    public String title() {
        return "Cascade";
    }

    /** The series the view plots. */
    CascadeSeries series() {
        return figure.series();
    }

    /** The step the last redraw marked as selected; -1 before any. */
    public int shownStep() {
        return figure.shownStep();
    }

    /** The phase bands the last redraw shaded, in step order. */
    List<CascadeSeries.PhaseBand> bandsDrawn() {
        return figure.bandsDrawn();
    }

    /** Where band {@code i} of {@link #bandsDrawn()} was shaded, in canvas coordinates. */
    Bounds bandBounds(int i) {
        return figure.bandBounds(i);
    }

    /** The steps the last redraw flagged as settings changes. */
    public List<Integer> flagSteps() {
        return figure.flagSteps();
    }

    /** The plot area of the last redraw, in canvas coordinates. */
    public Bounds plotBounds() {
        ChartAxis xAxis = figure.xAxis();
        ChartAxis uAxis = figure.uAxis();
        return new BoundingBox(xAxis.pixel0(), uAxis.pixel1(), xAxis.pixel1() - xAxis.pixel0(),
                uAxis.pixel0() - uAxis.pixel1());
    }

    /** The x of step number {@code step} in the last redraw. */
    public double xOf(int step) {
        return figure.xAxis().toPixel(step);
    }

    /** The y of utility {@code u} on the left axis of the last redraw. */
    public double yOfUtility(double u) {
        return figure.uAxis().toPixel(u);
    }

    /** The y of draft length {@code k} on the right axis of the last redraw. */
    public double yOfK(int k) {
        return figure.kAxis().toPixel(k);
    }

    /** The band colour of {@code phase} under the current theme. */
    public Color phaseColor(ControllerPhase phase) {
        return figure.phaseColor(phase);
    }

    /** The selected-step marker's colour under the current theme. */
    public Color markerColor() {
        return figure.markerColor();
    }

    @Override
    int hitAt(double x, double y) {
        return flagAt(x, y);
    }

    @Override
    String hoverText(int flag) {
        return figure.series().settingsChanges().get(flag).describe();
    }

    /** A click picks the step of the flag under it, else the step whose slot holds it. */
    @Override
    TraceFocus clicked(double x, double y, TraceFocus current) {
        int flag = flagAt(x, y);
        int step = flag >= 0 ? figure.series().settingsChanges().get(flag).step() : figure.stepAt(x, y);
        return step < 0 ? null : current.withStep(step);
    }

    /** The step number whose slot holds canvas point (x, y), -1 outside the plot. */
    public int stepAt(double x, double y) {
        return figure.stepAt(x, y);
    }

    /** The index of the settings change whose flag is at canvas point (x, y), -1 for none. */
    public int flagAt(double x, double y) {
        return figure.flagAt(x, y);
    }

    @Override
    void paintLegend() {
        swatches.forEach((phase, r) -> r.setFill(figure.phaseColor(phase)));
        utilitySwatch.setFill(figure.utilityColor());
        kSwatch.setFill(figure.kColor());
    }
}
