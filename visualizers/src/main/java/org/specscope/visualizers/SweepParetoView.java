package org.specscope.visualizers;

import java.util.List;
import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.specscope.styles.Themes;
import org.specscope.visualizers.SweepResults.Quality;
import org.specscope.visualizers.SweepResults.Speed;

/**
 * The quality/speed trade-off of expert budgets from a sweep's output: x = speed (speedup,
 * tokens/s) or mean kept experts, y = quality (exact match or top-1 agreement with the
 * unbudgeted run), both selectable. One line per policy (substitute, truncate, and coverage
 * budgets), each point labelled with its B (or tau) and mean accepted length; the unbudgeted
 * run as a reference diamond with a dashed line; the Pareto frontier as a broad band under the
 * points and a ring round each of its points. Not a trace view: it shows finished sweep files,
 * not a live run. Modelled and painted by {@link SweepParetoFigure}, on a canvas at most once
 * per pulse, so it exports as SVG like the trace views.
 */
public final class SweepParetoView implements Themed, VectorFigure {

    private final BorderPane root = new BorderPane();
    private final Pane canvasPane = new Pane();
    private final Canvas canvas = new Canvas();
    private final Label caption = new Label("no sweep");
    private final Tooltip tooltip = new Tooltip();
    private final ObjectProperty<SweepResults> results = new SimpleObjectProperty<>(this, "results");
    private final ObjectProperty<Speed> speed = new SimpleObjectProperty<>(this, "speed", Speed.SPEEDUP);
    private final ObjectProperty<Quality> quality = new SimpleObjectProperty<>(this, "quality", Quality.EXACT_MATCH);
    private final ObjectProperty<Themes> theme = new SimpleObjectProperty<>(this, "theme", Themes.LIGHT);
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    /** Models and paints the chart, kept in step with the properties below. */
    private final SweepParetoFigure figure = new SweepParetoFigure();
    private int redraws;
    private String hovered;

    public SweepParetoView() {
        root.getStyleClass().addAll("trace-view", "sweep-pareto");
        canvasPane.getChildren().add(canvas);
        canvasPane.setMinSize(0, 0);
        canvas.widthProperty().bind(canvasPane.widthProperty());
        canvas.heightProperty().bind(canvasPane.heightProperty());
        // The figure follows the properties at once (an export may come before the next pulse).
        results.addListener(o -> figure.setResults(results.get()));
        speed.addListener(o -> figure.setSpeed(speed.get()));
        quality.addListener(o -> figure.setQuality(quality.get()));
        theme.addListener(o -> figure.setTheme(theme.get()));
        for (var p : List.of(canvas.widthProperty(), canvas.heightProperty(), results, speed, quality, theme)) {
            p.addListener(o -> redraw.request());
        }
        root.setTop(controls());
        root.setCenter(canvasPane);
        canvas.setOnMouseMoved(e -> {
            String at = settingAt(e.getX(), e.getY());
            if (!Objects.equals(at, hovered)) {
                hovered = at;
                if (at == null) {
                    tooltip.hide();
                } else {
                    tooltip.setText(describe(at));
                    tooltip.show(canvas, e.getScreenX() + 14, e.getScreenY() + 14);
                }
            }
        });
        canvas.setOnMouseExited(e -> {
            hovered = null;
            tooltip.hide();
        });
    }

    private HBox controls() {
        ChoiceBox<Speed> x = new ChoiceBox<>(FXCollections.observableArrayList(Speed.values()));
        x.setId("sweepSpeedChoice");
        x.valueProperty().bindBidirectional(speed);
        ChoiceBox<Quality> y = new ChoiceBox<>(FXCollections.observableArrayList(Quality.values()));
        y.setId("sweepQualityChoice");
        y.valueProperty().bindBidirectional(quality);
        caption.setId("sweepCaption");
        caption.setMinWidth(0);
        x.setMinWidth(Region.USE_PREF_SIZE);
        y.setMinWidth(Region.USE_PREF_SIZE);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox box = new HBox(8, caption, spring, new Label("x"), x, new Label("y"), y);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("cascade-legend");   // the legend bar's look, shared with the Cascade view
        box.setStyle("-fx-padding: 4 8 4 8;");
        return box;
    }

    /** The tab title: the sweep's directory. */
    public String title() {
        SweepResults r = results.get();
        return r == null || r.directory().getFileName() == null ? "Sweep" : "Sweep " + r.directory().getFileName();
    }

    public Node node() {
        return root;
    }

    public ObjectProperty<SweepResults> resultsProperty() {
        return results;
    }

    /** The x axis. */
    public ObjectProperty<Speed> speedProperty() {
        return speed;
    }

    /** The y axis. */
    public ObjectProperty<Quality> qualityProperty() {
        return quality;
    }

    @Override
    public ObjectProperty<Themes> themeProperty() {
        return theme;
    }

    // ---- what the last draw showed (tests, hover) -----------------------------------------

    /** The settings drawn as points, in the file's order. */
    public List<String> drawnSettings() {
        return figure.drawnSettings();
    }

    /** Where {@code setting}'s point was drawn, or null. */
    public Point2D centre(String setting) {
        return figure.centre(setting);
    }

    /** The settings on the highlighted frontier, in order of x. */
    public List<String> frontierSettings() {
        return figure.frontierSettings();
    }

    /** The plot area inside the axes, on the canvas. */
    public Bounds plotArea() {
        return figure.plotArea();
    }

    /** The setting whose point is within a few pixels of (x, y), or null. */
    public String settingAt(double x, double y) {
        return figure.settingAt(x, y);
    }

    /** One setting's figures, in words (the hover). */
    public String describe(String setting) {
        return figure.describe(setting);
    }

    public int redrawCount() {
        return redraws;
    }

    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    // ---- drawing ---------------------------------------------------------------------------

    /** Paints the figure as it stands, caption and legend included (for export). */
    @Override
    public void paint(FigureGraphics g, double width, double height) {
        figure.paint(g, width, height);
        redraw.request(); // painting at the export's size moved the points the hover reads
    }

    private void draw() {
        redraws++;
        caption.setText(figure.caption());
        figure.paintPlot(new CanvasFigureGraphics(canvas.getGraphicsContext2D()), canvas.getWidth(), canvas.getHeight());
    }
}
