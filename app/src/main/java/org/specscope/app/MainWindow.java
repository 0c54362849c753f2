package org.specscope.app;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.app.SettingsViewModel.Selection;
import org.specscope.app.SettingsViewModel.Shape;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.styles.Themes;
import org.specscope.visualizers.TraceView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The IDE frame: models on the left, the views in tabs in the centre, the live controls on the
 * right, the console and the step timeline at the bottom, run controls on the toolbar and the
 * backend, speed and memory in the status bar. The logic lives in {@link RunViewModel} and
 * {@link SettingsViewModel}; this class only lays out and binds.
 */
public final class MainWindow {

    private final AppPreferences preferences;
    private final Path home;
    private final SettingsViewModel settings = new SettingsViewModel();
    private final RunViewModel run;
    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    private final BorderPane root = new BorderPane();
    private final ListView<ModelEntry> modelList = new ListView<>(models);
    private final Label banner = new Label();
    private final HBox bannerBox = new HBox(8);
    private final Timeline memoryTicker;

    public MainWindow(List<TraceView> views, AppPreferences preferences, Path home, Supplier<Backend> backends) {
        this.preferences = Objects.requireNonNull(preferences);
        this.home = Objects.requireNonNull(home);
        this.run = new RunViewModel(settings, views, backends);
        run.promptProperty().set(ModelCatalog.defaultPrompt(home.resolve("sample-models")));
        run.notifierProperty().set(this::notify);
        models.setAll(ModelCatalog.bundled(home.resolve("sample-models")));
        for (Path recent : preferences.recentModels()) {
            if (Files.isDirectory(recent) && models.stream().noneMatch(m -> m.directory().equals(recent))) {
                models.add(ModelEntry.of(recent, false));
            }
        }
        root.setTop(toolbar());
        SplitPane centre = new SplitPane(left(), centre(views), inspector());
        centre.setDividerPositions(0.16, 0.74);
        SplitPane.setResizableWithParent(centre.getItems().get(0), false);
        SplitPane.setResizableWithParent(centre.getItems().get(2), false);
        SplitPane vertical = new SplitPane(centre, bottom());
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.setDividerPositions(0.78);
        root.setCenter(vertical);
        root.setBottom(statusBar());
        memoryTicker = new Timeline(new KeyFrame(Duration.seconds(1), e -> updateMemory()));
        memoryTicker.setCycleCount(Timeline.INDEFINITE);
        memoryTicker.play();
    }

    public MainWindow(List<TraceView> views, AppPreferences preferences, Path home) {
        this(views, preferences, home, org.specscope.engine.backend.cpu.CpuBackend::new);
    }

    /** The root node (tests put it in their own stage). */
    public Parent root() {
        return root;
    }

    /** A scene with the keyboard shortcuts: F5 run, F6 step, Shift+F5 stop, Space pause/resume, Ctrl+O open. */
    public Scene scene(double width, double height) {
        Scene scene = new Scene(root, width, height);
        scene.getStylesheets().add(Themes.LIGHT.stylesheet());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), run::run);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F6), run::step);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), run::stop);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::chooseDirectory);
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            // Space pauses, except where it types a space.
            if (e.getCode() == KeyCode.SPACE && !(scene.getFocusOwner() instanceof TextInputControl)
                    && !(scene.getFocusOwner() instanceof Spinner<?>)) {
                run.togglePause();
                e.consume();
            }
        });
        return scene;
    }

    /** Shows the window on {@code stage} at the remembered size, saving it on close, and opens the first model. */
    public void show(Stage stage) {
        stage.setTitle("SpecScope");
        // Never larger than the screen (a remembered size from a bigger monitor; Monocle's 1280x800 screen).
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        stage.setScene(scene(Math.min(preferences.windowWidth(), screen.getWidth()),
                Math.min(preferences.windowHeight(), screen.getHeight())));
        stage.setOnHidden(e -> {
            preferences.setWindowSize(stage.getWidth(), stage.getHeight());
            close();
        });
        stage.show();
        openInitialModel();
    }

    /** The last model when it still exists, else the first bundled sample. */
    public Task<DecodingSetup> openInitialModel() {
        Path last = preferences.lastModel().filter(Files::isDirectory).orElse(null);
        ModelEntry entry = last == null ? null
                : models.stream().filter(m -> m.directory().equals(last.toAbsolutePath().normalize())).findFirst()
                        .orElse(ModelEntry.of(last, false));
        if (entry == null && !models.isEmpty()) {
            entry = models.getFirst();
        }
        if (entry == null) {
            run.log("no sample model found under " + home.resolve("sample-models") + ": use Open... for a model directory");
            return null;
        }
        return open(entry);
    }

    /** Loads {@code entry}; on success it becomes the last model and joins the recent ones. */
    public Task<DecodingSetup> open(ModelEntry entry) {
        modelList.getSelectionModel().select(entry);
        Task<DecodingSetup> task = run.load(entry);
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> {
            if (task.getValue() == null) {
                return;
            }
            preferences.modelOpened(entry.directory());
            if (!models.contains(entry)) {
                models.add(entry);
            }
            modelList.getSelectionModel().select(entry);
        });
        return task;
    }

    /** Loads any Hugging Face model directory. */
    public Task<DecodingSetup> openDirectory(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        ModelEntry known = models.stream().filter(m -> m.directory().equals(dir)).findFirst().orElse(null);
        return open(known != null ? known : ModelEntry.of(dir, false));
    }

    private void chooseDirectory() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a Hugging Face model directory");
        run.modelProperty().get();
        Path start = home.resolve("sample-models");
        if (Files.isDirectory(start)) {
            chooser.setInitialDirectory(start.toFile());
        }
        var chosen = chooser.showDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (chosen != null) {
            openDirectory(chosen.toPath());
        }
    }

    public RunViewModel runViewModel() {
        return run;
    }

    public SettingsViewModel settingsViewModel() {
        return settings;
    }

    public ObservableList<ModelEntry> models() {
        return models;
    }

    /** Stops the run and releases the model. */
    public void close() {
        memoryTicker.stop();
        run.close();
    }

    /** An error the user should see: the banner over the views (the console has the line too). */
    private void notify(String message) {
        banner.setText(message);
        bannerBox.setVisible(true);
        bannerBox.setManaged(true);
    }

    // ---- layout ------------------------------------------------------------------------

    private Node toolbar() {
        Button runButton = iconButton("runButton", MaterialDesignP.PLAY, "Run (F5)", run::run);
        Button pauseButton = iconButton("pauseButton", MaterialDesignP.PAUSE, "Pause / resume (Space)", run::togglePause);
        Button stepButton = iconButton("stepButton", MaterialDesignS.STEP_FORWARD, "One step (F6)", run::step);
        Button stopButton = iconButton("stopButton", MaterialDesignS.STOP, "Stop (Shift+F5)", run::stop);
        Button openButton = iconButton("openButton", MaterialDesignF.FOLDER_OPEN, "Open a model directory (Ctrl+O)",
                this::chooseDirectory);
        openButton.setText("Open...");
        var phase = run.phaseProperty();
        runButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> phase.get() == Phase.EMPTY || phase.get() == Phase.LOADING || phase.get() == Phase.RUNNING, phase));
        pauseButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> phase.get() != Phase.RUNNING && phase.get() != Phase.PAUSED, phase));
        stepButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> phase.get() == Phase.EMPTY || phase.get() == Phase.LOADING, phase));
        stopButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> phase.get() != Phase.RUNNING && phase.get() != Phase.PAUSED, phase));
        CheckBox startPaused = new CheckBox("start paused");
        startPaused.setId("startPaused");
        startPaused.selectedProperty().bindBidirectional(run.startPausedProperty());
        ProgressBar progress = new ProgressBar();
        progress.setId("loadProgress");
        progress.progressProperty().bind(run.loadProgressProperty());
        progress.visibleProperty().bind(phase.isEqualTo(Phase.LOADING));
        Button cancelLoad = iconButton("cancelLoadButton", MaterialDesignC.CLOSE, "Cancel loading", run::cancelLoad);
        cancelLoad.visibleProperty().bind(phase.isEqualTo(Phase.LOADING));
        Label phaseLabel = new Label();
        phaseLabel.setId("phaseLabel");
        phaseLabel.textProperty().bind(phase.asString().map(s -> s.toLowerCase(Locale.ROOT)));
        return new ToolBar(runButton, pauseButton, stepButton, stopButton, startPaused, new Separator(), openButton,
                new Separator(), phaseLabel, progress, cancelLoad);
    }

    private Node left() {
        modelList.setId("modelList");
        modelList.setOnMouseClicked(e -> {
            ModelEntry chosen = modelList.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && chosen != null) {
                open(chosen);
            }
        });
        Button load = new Button("Load");
        load.setId("loadModelButton");
        load.disableProperty().bind(modelList.getSelectionModel().selectedItemProperty().isNull());
        load.setOnAction(e -> open(modelList.getSelectionModel().getSelectedItem()));
        Button openButton = new Button("Open...");
        openButton.setOnAction(e -> chooseDirectory());
        Label loaded = new Label();
        loaded.setId("loadedModel");
        loaded.textProperty().bind(run.modelProperty().map(m -> "loaded: " + m.name()).orElse("no model loaded"));
        loaded.setWrapText(true);
        VBox.setVgrow(modelList, Priority.ALWAYS);
        VBox box = new VBox(6, new Label("Models"), modelList, new HBox(6, load, openButton), loaded);
        box.setPadding(new Insets(6));
        box.setMinWidth(160);
        return box;
    }

    private Node centre(List<TraceView> views) {
        TabPane tabs = new TabPane();
        tabs.setId("viewTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        TextArea output = new TextArea();
        output.setId("outputText");
        output.setEditable(false);
        output.setWrapText(true);
        output.textProperty().bind(run.textProperty());
        tabs.getTabs().add(new Tab("Output", output));
        for (TraceView view : views) {
            tabs.getTabs().add(new Tab(view.title(), view.node()));
        }
        banner.setId("banner");
        banner.setWrapText(true);
        banner.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(banner, Priority.ALWAYS);
        Button dismiss = new Button();
        dismiss.setGraphic(new FontIcon(MaterialDesignC.CLOSE));
        dismiss.setOnAction(e -> {
            bannerBox.setVisible(false);
            bannerBox.setManaged(false);
        });
        bannerBox.getChildren().setAll(new FontIcon(MaterialDesignC.CLOSE_OCTAGON), banner, dismiss);
        bannerBox.setAlignment(Pos.CENTER_LEFT);
        bannerBox.setPadding(new Insets(4, 8, 4, 8));
        bannerBox.setStyle("-fx-background-color: #fde2e1; -fx-border-color: #d93025; -fx-border-width: 0 0 1 0;");
        bannerBox.setVisible(false);
        bannerBox.setManaged(false);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        return new VBox(bannerBox, tabs);
    }

    private Node inspector() {
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.setPadding(new Insets(6));
        int row = 0;

        TextArea prompt = new TextArea();
        prompt.setId("promptField");
        prompt.setWrapText(true);
        prompt.setPrefRowCount(4);
        prompt.textProperty().bindBidirectional(run.promptProperty());
        grid.add(new Label("Prompt"), 0, row++, 2, 1);
        grid.add(prompt, 0, row++, 2, 1);
        grid.add(new Label("Max tokens"), 0, row);
        grid.add(intSpinner("maxTokensField", 1, 4096, run.maxTokensProperty()), 1, row++);

        grid.add(section("Expert budget"), 0, row++, 2, 1);
        ChoiceBox<Selection> selection = new ChoiceBox<>(FXCollections.observableArrayList(Selection.values()));
        selection.setId("selectionChoice");
        selection.valueProperty().bindBidirectional(settings.selectionProperty());
        grid.add(new Label("Selection"), 0, row);
        grid.add(selection, 1, row++);
        Slider budget = new Slider(1, 1, 1);
        budget.setId("budgetSlider");
        budget.maxProperty().bind(settings.numExpertsProperty());
        budget.setMajorTickUnit(1);
        budget.setMinorTickCount(0);
        budget.setSnapToTicks(true);
        budget.setBlockIncrement(1);
        budget.valueProperty().bindBidirectional(settings.budgetProperty());
        budget.disableProperty().bind(settings.selectionProperty().isNotEqualTo(Selection.FIXED));
        Spinner<Integer> budgetField = intSpinner("budgetField", 1, 1, settings.budgetProperty());
        ((SpinnerValueFactory.IntegerSpinnerValueFactory) budgetField.getValueFactory()).maxProperty()
                .bind(settings.numExpertsProperty());
        budgetField.disableProperty().bind(budget.disableProperty());
        Label budgetLabel = new Label();
        budgetLabel.textProperty().bind(Bindings.createStringBinding(() -> "B (of " + settings.numExpertsProperty().get()
                + (settings.budgetProperty().get() >= settings.numExpertsProperty().get() ? ", unbudgeted)" : ")"),
                settings.numExpertsProperty(), settings.budgetProperty()));
        grid.add(budgetLabel, 0, row);
        grid.add(budgetField, 1, row++);
        grid.add(budget, 0, row++, 2, 1);
        Slider tau = new Slider(0.05, 1, 0.9);
        tau.setId("coverageSlider");
        tau.setBlockIncrement(0.05);
        tau.valueProperty().bindBidirectional(settings.coverageTauProperty());
        tau.disableProperty().bind(settings.selectionProperty().isNotEqualTo(Selection.COVERAGE));
        Label tauLabel = new Label();
        tauLabel.textProperty().bind(settings.coverageTauProperty().map(v -> String.format(Locale.ROOT, "Coverage τ %.2f", v.doubleValue())));
        grid.add(tauLabel, 0, row);
        grid.add(tau, 1, row++);
        ChoiceBox<CoveragePolicy> policy = new ChoiceBox<>(FXCollections.observableArrayList(CoveragePolicy.values()));
        policy.setId("policyChoice");
        policy.valueProperty().bindBidirectional(settings.policyProperty());
        grid.add(new Label("Outside the budget"), 0, row);
        grid.add(policy, 1, row++);

        grid.add(section("Draft"), 0, row++, 2, 1);
        ChoiceBox<Shape> shape = new ChoiceBox<>(FXCollections.observableArrayList(Shape.values()));
        shape.setId("shapeChoice");
        shape.valueProperty().bindBidirectional(settings.shapeProperty());
        grid.add(new Label("Shape"), 0, row);
        grid.add(shape, 1, row++);
        Spinner<Integer> chainK = intSpinner("chainKField", 0, 16, settings.chainKProperty());
        chainK.disableProperty().bind(settings.shapeProperty().isNotEqualTo(Shape.CHAIN));
        grid.add(new Label("Chain K"), 0, row);
        grid.add(chainK, 1, row++);
        for (var p : List.of(
                new Object[]{"Tree depth", "treeDepthField", 1, 16, settings.treeDepthProperty()},
                new Object[]{"Tree top-k", "treeTopKField", 1, 16, settings.treeTopKProperty()},
                new Object[]{"Tree nodes", "treeTotalField", 1, 128, settings.treeTotalProperty()})) {
            Spinner<Integer> s = intSpinner((String) p[1], (int) p[2], (int) p[3], (javafx.beans.property.IntegerProperty) p[4]);
            s.disableProperty().bind(settings.shapeProperty().isNotEqualTo(Shape.TREE));
            grid.add(new Label((String) p[0]), 0, row);
            grid.add(s, 1, row++);
        }
        CheckBox cascade = new CheckBox("Cascade chooses K");
        cascade.setId("cascadeCheck");
        cascade.selectedProperty().bindBidirectional(settings.cascadeProperty());
        grid.add(cascade, 0, row++, 2, 1);

        grid.add(section("Sampling"), 0, row++, 2, 1);
        Spinner<Double> temperature = new Spinner<>(0.0, 2.0, 0.0, 0.1);
        temperature.setId("temperatureField");
        temperature.setEditable(true);
        temperature.getValueFactory().valueProperty().addListener((o, a, v) -> {
            if (v != null) {
                settings.temperatureProperty().set(v);
            }
        });
        settings.temperatureProperty().addListener((o, a, v) -> temperature.getValueFactory().setValue(v.doubleValue()));
        grid.add(new Label("Temperature"), 0, row);
        grid.add(temperature, 1, row++);
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
        seed.setId("seedField");
        seed.setEditable(true);
        seed.getValueFactory().valueProperty().addListener((o, a, v) -> {
            if (v != null) {
                settings.seedProperty().set(v);
            }
        });
        grid.add(new Label("Seed"), 0, row);
        grid.add(seed, 1, row++);

        Label problem = new Label();
        problem.setId("settingsProblem");
        problem.setWrapText(true);
        problem.setStyle("-fx-text-fill: #d93025;");
        problem.textProperty().bind(settings.problemProperty());
        grid.add(problem, 0, row++, 2, 1);
        Label current = new Label();
        current.setId("settingsSummary");
        current.setWrapText(true);
        current.textProperty().bind(settings.settingsProperty().map(s -> s.describe()));
        grid.add(current, 0, row, 2, 1);

        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        scroll.setMinWidth(220);
        return scroll;
    }

    private Node bottom() {
        Slider timeline = new Slider(0, 0, 0);
        timeline.setId("timeline");
        timeline.setMajorTickUnit(1);
        timeline.setMinorTickCount(0);
        timeline.setSnapToTicks(true);
        timeline.setBlockIncrement(1);
        HBox.setHgrow(timeline, Priority.ALWAYS);
        ToggleButton follow = new ToggleButton("Follow");
        follow.setId("followButton");
        follow.setSelected(true);
        Label stepLabel = new Label();
        stepLabel.setId("stepLabel");
        stepLabel.setMinWidth(Region.USE_PREF_SIZE);
        boolean[] programmatic = {false};
        Runnable toEnd = () -> {
            programmatic[0] = true;
            timeline.setMax(Math.max(0, run.stepCountProperty().get() - 1));
            if (follow.isSelected()) {
                timeline.setValue(timeline.getMax());
            }
            programmatic[0] = false;
        };
        run.stepCountProperty().addListener((o, a, n) -> toEnd.run());
        timeline.valueProperty().addListener((o, a, v) -> {
            if (!programmatic[0]) {
                follow.setSelected(false);
                run.selectedStepProperty().set((int) Math.round(v.doubleValue()));
            }
        });
        follow.selectedProperty().addListener((o, a, on) -> {
            if (on) {
                run.selectedStepProperty().set(-1);
                toEnd.run();
            }
        });
        stepLabel.textProperty().bind(Bindings.createStringBinding(() -> {
            int n = run.stepCountProperty().get();
            int sel = run.selectedStepProperty().get();
            return n == 0 ? "no steps" : (sel < 0 ? "step " + (n - 1) + " (following)" : "step " + sel) + " of " + n;
        }, run.stepCountProperty(), run.selectedStepProperty()));
        HBox timelineBar = new HBox(8, new Label("Timeline"), timeline, stepLabel, follow);
        timelineBar.setAlignment(Pos.CENTER_LEFT);
        timelineBar.setPadding(new Insets(4, 6, 4, 6));

        ListView<String> console = new ListView<>(run.console());
        console.setId("console");
        console.getItems().addListener((javafx.collections.ListChangeListener<String>) c -> {
            if (!console.getItems().isEmpty()) {
                console.scrollTo(console.getItems().size() - 1);
            }
        });
        VBox.setVgrow(console, Priority.ALWAYS);
        return new VBox(timelineBar, console);
    }

    private Label memoryLabel;

    private Node statusBar() {
        Label backend = new Label();
        backend.setId("statusBackend");
        backend.textProperty().bind(run.backendProperty());
        Label speed = new Label();
        speed.setId("statusSpeed");
        speed.textProperty().bind(run.tokensPerSecondProperty().map(v -> String.format(Locale.ROOT, "%.1f tokens/s", v.doubleValue())));
        memoryLabel = new Label();
        memoryLabel.setId("statusMemory");
        updateMemory();
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox bar = new HBox(16, backend, spring, speed, memoryLabel);
        bar.setPadding(new Insets(3, 8, 3, 8));
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private void updateMemory() {
        if (memoryLabel == null) {
            return;
        }
        Runtime rt = Runtime.getRuntime();
        long used = (rt.totalMemory() - rt.freeMemory()) >> 20;
        memoryLabel.setText("heap " + used + " / " + (rt.maxMemory() >> 20) + " MiB");
    }

    // ---- helpers -----------------------------------------------------------------------

    private static Button iconButton(String id, Ikon icon, String tooltip, Runnable action) {
        Button b = new Button();
        b.setId(id);
        b.setGraphic(new FontIcon(icon));
        b.setTooltip(new Tooltip(tooltip));
        b.setOnAction(e -> action.run());
        return b;
    }

    private static Label section(String title) {
        Label l = new Label(title);
        l.setStyle("-fx-font-weight: bold; -fx-padding: 6 0 0 0;");
        return l;
    }

    private static Spinner<Integer> intSpinner(String id, int min, int max, javafx.beans.property.IntegerProperty value) {
        Spinner<Integer> s = new Spinner<>(min, max, Math.clamp(value.get(), min, Math.max(min, max)));
        s.setId(id);
        s.setEditable(true);
        s.getValueFactory().setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer v) {
                return v == null ? "" : v.toString();
            }

            @Override
            public Integer fromString(String text) {
                try {
                    return Integer.parseInt(text.strip());
                } catch (NumberFormatException e) {
                    return s.getValue();
                }
            }
        });
        s.getValueFactory().valueProperty().addListener((o, a, v) -> {
            if (v != null && v != value.get()) {
                value.set(v);
            }
        });
        value.addListener((o, a, v) -> {
            if (!Objects.equals(s.getValue(), v.intValue())) {
                s.getValueFactory().setValue(v.intValue());
            }
        });
        return s;
    }
}
