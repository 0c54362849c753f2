package org.specscope.visualizers;

import java.util.ArrayList;
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
 * pair of its expert, as natural or as replacement, when there is one).
 */
public final class SubstitutionsView implements TraceView {

    /** One table row: a layer (pair null) or one of its pairs; {@code layer} is the decoder layer number. */
    record Row(int layer, String label, int nodes, int acceptedNodes, double lostWeight, SubstitutionSummary.Pair pair) {
    }

    private final BorderPane root = new BorderPane();
    private final TreeTableView<Row> table = new TreeTableView<>();
    private final Label stepLabel = new Label("no step yet");
    private final PulseRedraw redraw = new PulseRedraw(this::draw);

    private final List<StepTrace> steps = new ArrayList<>();
    private final SettingsChanges changes = new SettingsChanges();
    private int selected = -1;
    private int redraws;
    private SharedFocus shared;
    private TraceFocus focus = TraceFocus.NONE;
    /** Set while the focus selects a row, so that the selection is not published back as a pick. */
    private boolean showingFocus;

    private StepTrace shown;
    private List<SubstitutionSummary.Layer> layers = List.of();

    public SubstitutionsView() {
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
            if (!showingFocus && shared != null && item != null && item.getValue() != null) {
                Row row = item.getValue();
                shared.update(f -> row.pair() == null ? f.withLayer(row.layer())
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
        steps.clear();
        changes.clear();
        selected = -1;
        redraw.request();
    }

    @Override
    public void append(StepTrace step) {
        steps.add(step);
        changes.add(step);
        if (selected < 0) {
            redraw.request();
        }
    }

    @Override
    public void select(int index) {
        selected = index;
        redraw.request();
    }

    /** Shows the focus's step as if selected and selects its layer's (or pair's) row; selecting a row sets it. */
    @Override
    public void share(SharedFocus focus) {
        shared = focus;
        focus.focusProperty().addListener((o, was, now) -> focused(now));
        focused(focus.get());
    }

    private void focused(TraceFocus f) {
        focus = f;
        select(f.step());
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

    private StepTrace stepToShow() {
        if (steps.isEmpty()) {
            return null;
        }
        return selected >= 0 && selected < steps.size() ? steps.get(selected) : steps.get(steps.size() - 1);
    }

    private void draw() {
        redraws++;
        StepTrace step = stepToShow();
        if (step == shown && step != null) {
            showFocus(); // same records, same table: keep the user's scroll and expansion
            return;
        }
        shown = step;
        layers = step == null ? List.of() : SubstitutionSummary.of(step);
        TreeItem<Row> rootItem = new TreeItem<>();
        int total = 0;
        double lost = 0;
        for (SubstitutionSummary.Layer l : layers) {
            TreeItem<Row> item = new TreeItem<>(new Row(l.layer(), l.describe(), l.nodesAffected(),
                    l.acceptedNodesAffected(), l.lostWeight(), null));
            for (SubstitutionSummary.Pair p : l.pairs()) {
                item.getChildren().add(new TreeItem<>(new Row(l.layer(), p.describe(), p.nodes(), p.acceptedNodes(),
                        p.lostWeight(), p)));
            }
            item.setExpanded(true);
            rootItem.getChildren().add(item);
            total += l.substitutions();
            lost += l.lostWeight();
        }
        table.setRoot(rootItem);
        SettingsChange change = step == null ? null : changes.at(step.step());
        if (step == null) {
            stepLabel.setText("no step yet");
        } else {
            stepLabel.setText(String.format(Locale.ROOT, "step %d%s \u00b7 %d substitutions in %d layers \u00b7 "
                            + "routing weight lost %.3f (over %d nodes)", step.step(), selected < 0 ? " (newest)" : "",
                    total, layers.size(), lost, step.tree().size())
                    + (change == null ? "" : " \u00b7 " + change.atThisStep()));
        }
        stepLabel.pseudoClassStateChanged(FigureView.SETTINGS_CHANGED, change != null);
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

    /**
     * The row the focus names: its layer's pair of its expert (natural first, else as the
     * replacement), else its layer's row; null when no layer is focused or the step lacks it.
     */
    TreeItem<Row> focusedItem() {
        if (!focus.hasLayer()) {
            return null;
        }
        for (TreeItem<Row> layerItem : table.getRoot().getChildren()) {
            if (layerItem.getValue().layer() != focus.layer()) {
                continue;
            }
            if (focus.hasExpert()) {
                for (boolean natural : new boolean[] {true, false}) {
                    for (TreeItem<Row> pairItem : layerItem.getChildren()) {
                        SubstitutionSummary.Pair p = pairItem.getValue().pair();
                        if ((natural ? p.natural() : p.replacement()) == focus.expert()) {
                            return pairItem;
                        }
                    }
                }
            }
            return layerItem;
        }
        return null;
    }
}
