package org.specscope.visualizers;

import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;

/**
 * The expert budget's substitutions in the selected step (or the newest): one row per MoE
 * layer with its substitutions, the nodes they touched and the natural routing weight lost,
 * and under it one row per "natural -> kept" pair ("e12 -> e3": 4 nodes, 1 on the accepted
 * path, weight lost 0.12), heaviest first. Read from the step's {@link org.specscope.engine.trace.LayerTrace}s
 * by {@link SubstitutionSummary}; the table is rebuilt at most once per pulse, and only when the
 * shown step changes. A step whose settings changed says what changed above the table.
 * Selecting a row focuses its layer, and a pair's row its natural expert too
 * ({@link SharedFocus}); the focus, in turn, selects and scrolls to the row of its layer (the
 * pair of its expert, as natural or as replacement, when there is one). The steps, the
 * selection, the focus and the summary are {@link SubstitutionsFigure}'s, which paints the same
 * rows for export.
 */
public final class SubstitutionsView extends FigureBackedView<SubstitutionsFigure> {

    /** One table row: a layer (pair null) or one of its pairs; {@code layer} is the decoder layer number. */
    record Row(int layer, String label, int nodes, int acceptedNodes, double lostWeight, SubstitutionSummary.Pair pair) {
    }

    private final BorderPane root = new BorderPane();
    private final TreeTableView<Row> table = new TreeTableView<>();
    private final Label stepLabel = new Label("no step yet");
    private final PulseRedraw redraw = new PulseRedraw(this::draw);
    private int redraws;
    /** Set while the focus selects a row, so that the selection is not published back as a pick. */
    private boolean showingFocus;

    private StepTrace shown;
    private List<SubstitutionSummary.Layer> layers = List.of();

    public SubstitutionsView() {
        super(new SubstitutionsFigure());
        root.getStyleClass().addAll("trace-view", "substitutions");
        TreeTableColumn<Row, String> what = new TreeTableColumn<>("layer / natural \u2192 kept");
        what.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().label()));
        what.setPrefWidth(320);
        TreeTableColumn<Row, Integer> nodes = new TreeTableColumn<>("nodes");
        nodes.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().nodes()));
        TreeTableColumn<Row, Integer> accepted = new TreeTableColumn<>("on accepted path");
        accepted.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().acceptedNodes()));
        accepted.setPrefWidth(130);
        TreeTableColumn<Row, String> lost = new TreeTableColumn<>("routing weight lost");
        lost.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(
                String.format(Locale.ROOT, "%.3f", c.getValue().getValue().lostWeight())));
        lost.setPrefWidth(150);
        table.getColumns().addAll(List.of(what, nodes, accepted, lost));
        table.setShowRoot(false);
        table.setRoot(new TreeItem<>());
        table.setPlaceholder(new Label("no MoE layers"));
        HBox top = new HBox(stepLabel);
        top.setAlignment(Pos.CENTER_LEFT);
        top.getStyleClass().add("substitutions-legend");
        root.setTop(top);
        root.setCenter(table);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, item) -> {
            if (!showingFocus && shared() != null && item != null && item.getValue() != null) {
                Row row = item.getValue();
                shared().update(f -> row.pair() == null ? f.withLayer(row.layer())
                        : f.withLayerExpert(row.layer(), row.pair().natural()));
            }
        });
    }

    @Override
    public String title() {
        return "Substitutions";
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

    /** The step shown by the last rebuild; -1 before any. */
    public int shownStep() {
        return shown == null ? -1 : shown.step();
    }

    /** The per-layer summaries the table shows. */
    List<SubstitutionSummary.Layer> shownLayers() {
        return layers;
    }

    /** What the label above the table says: the step, its totals, and a settings change at it. */
    String caption() {
        return stepLabel.getText();
    }

    /** The table: one item per layer under a hidden root, one child per pair. */
    TreeTableView<Row> table() {
        return table;
    }

    /** Rebuilds done so far (coalescing shows as fewer rebuilds than requests). */
    public int redrawCount() {
        return redraws;
    }

    /** Whether a rebuild is waiting for the next pulse. */
    public boolean isRedrawPending() {
        return redraw.isPending();
    }

    private void draw() {
        redraws++;
        StepTrace step = figure.stepToShow();
        if (step == shown && step != null) {
            showFocus(); // same records, same table: keep the user's scroll and expansion
            return;
        }
        shown = step;
        layers = figure.layers();
        TreeItem<Row> rootItem = new TreeItem<>();
        for (SubstitutionSummary.Layer l : layers) {
            TreeItem<Row> item = new TreeItem<>(new Row(l.layer(), l.describe(), l.nodesAffected(),
                    l.acceptedNodesAffected(), l.lostWeight(), null));
            for (SubstitutionSummary.Pair p : l.pairs()) {
                item.getChildren().add(new TreeItem<>(new Row(l.layer(), p.describe(), p.nodes(), p.acceptedNodes(),
                        p.lostWeight(), p)));
            }
            item.setExpanded(true);
            rootItem.getChildren().add(item);
        }
        table.setRoot(rootItem);
        stepLabel.setText(figure.caption());
        stepLabel.pseudoClassStateChanged(FigureView.SETTINGS_CHANGED, figure.changeAt(step) != null);
        showFocus();
    }

    /** Selects the focused row (see {@link #focusedItem}) and scrolls to it, or clears the selection. */
    private void showFocus() {
        TreeItem<Row> item = focusedItem();
        if (item == table.getSelectionModel().getSelectedItem()) {
            return;
        }
        showingFocus = true;
        try {
            if (item == null) {
                table.getSelectionModel().clearSelection();
            } else {
                table.getSelectionModel().select(item);
                table.scrollTo(table.getRow(item));
            }
        } finally {
            showingFocus = false;
        }
    }

    /** The row the focus names ({@link SubstitutionsFigure#focusedRow}); null for none. */
    TreeItem<Row> focusedItem() {
        SubstitutionsFigure.RowIndex row = figure.focusedRow();
        if (row == null) {
            return null;
        }
        TreeItem<Row> layer = table.getRoot().getChildren().get(row.layer());   // the table lists figure.layers()
        return row.pair() < 0 ? layer : layer.getChildren().get(row.pair());
    }
}
