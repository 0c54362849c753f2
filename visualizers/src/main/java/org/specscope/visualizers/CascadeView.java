package org.specscope.visualizers;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.styles.Themes;

/**
 * The Cascade draft-length controller over the run (x = step): the measured utility U as a line
 * against the left axis, with the U = 1 reference (below it speculation slows decoding down);
 * the draft length K it chose as a step line against the right axis; the controller's phases as
 * background bands (baseline K = 0 runs, test, set; fixed K has none), each set band labelled
 * with its length S. A vertical marker shows the selected step, and a flag at the top each step
 * whose settings differ from the previous step's (hover it for what changed). Everything comes
 * from the steps' {@link ControllerState} and settings, modelled by {@link CascadeSeries}; the
 * canvas is redrawn at most once per pulse.
 */
public final class CascadeView implements TraceView, VectorFigure {

    static final List<ControllerPhase> SHADED = CascadeFigure.SHADED;

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label stepLabel = new Label("no step yet");
    private final Tooltip tooltip = new Tooltip();
    private final Map<ControllerPhase, Rectangle> swatches = new EnumMap<>(ControllerPhase.class);
    private final Rectangle utilitySwatch = new Rectangle(14, 3);
    private final Rectangle kSwatch = new Rectangle(14, 3);
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private final CascadeFigure figure = new CascadeFigure();
    private int redraws;
    private int hoveredFlag = -1;

    public CascadeView() {
        root.getStyleClass().addAll("trace-view", "cascade");
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
            int flag = flagAt(e.getX(), e.getY());
            if (flag != hoveredFlag) {
                hoveredFlag = flag;
                if (flag < 0) {
                    tooltip.hide();
                } else {
                    tooltip.setText(figure.series().settingsChanges().get(flag).describe());
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hoveredFlag = -1;
            tooltip.hide();
        });
    }

    private HBox legend() {
        HBox box = new HBox(stepLabel);
        for (ControllerPhase phase : SHADED) {
            Rectangle r = new Rectangle(12, 12);
            swatches.put(phase, r);
            box.getChildren().add(new Label(phaseName(phase), r));
        }
        box.getChildren().addAll(new Label("U (left)", utilitySwatch), new Label("K (right)", kSwatch),
                new Label("\u2691 settings changed"));
        box.setAlignment(Pos.CENTER_LEFT);
        box.setSpacing(10);
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
        redraw.request(); // the axes grow with every step, whichever is selected
    }

    @Override
    public void select(int index) {
        figure.select(index);
        redraw.request();
    }

    /** Paints the chart as it stands, caption and legend included (for export). */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        figure.paint(g, width, height);
        redraw.request(); // painting at the export's size moved the axes the hover reads
    }

    /** The theme whose palette the canvas uses (the stylesheet styles the rest). */
    public ObjectProperty<Themes> themeProperty() {
        return theme;
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

    /** The index of the settings change whose flag is at canvas point (x, y), -1 for none. */
    public int flagAt(double x, double y) {
        return figure.flagAt(x, y);
    }

    /** Redraws done so far (coalescing shows as fewer redraws than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a redraw is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private void draw() {
        redraws++;
        swatches.forEach((phase, r) -> r.setFill(figure.phaseColor(phase)));
        utilitySwatch.setFill(figure.utilityColor());
        kSwatch.setFill(figure.kColor());
        figure.paintPlot(new CanvasFigureGraphics(canvas.getGraphicsContext2D()), canvas.getWidth(),
                canvas.getHeight());
        stepLabel.setText(figure.caption());
    }
}
