package org.specscope.app;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import javafx.geometry.Bounds;
import javafx.geometry.Dimension2D;
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
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
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
import javafx.scene.image.WritableImage;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignW;
import org.controlsfx.control.StatusBar;
import org.specscope.app.RunViewModel.Phase;
import org.specscope.app.SettingsViewModel.Selection;
import org.specscope.app.SettingsViewModel.Shape;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.styles.Themes;
import org.specscope.visualizers.PngExport;
import org.specscope.visualizers.SharedFocus;
import org.specscope.visualizers.SvgExport;
import org.specscope.visualizers.SweepParetoView;
import org.specscope.visualizers.SweepResults;
import org.specscope.visualizers.TraceFocus;
import org.specscope.visualizers.TraceView;
import org.specscope.visualizers.VectorFigure;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The IDE frame: models on the left, the views in tabs in the centre, the live controls on the
 * right, the console and the step timeline at the bottom, run controls on the toolbar and the
 * backend, speed, memory and the shared focus in the status bar. The logic lives in
 * {@link RunViewModel} and {@link SettingsViewModel}; this class only lays out and binds. The
 * views share one {@link SharedFocus} (what the user clicked in any of them), whose step is the
 * timeline's selected step.
 */
public final class MainWindow {

    private final AppPreferences preferences;
    private final Path home;
    private final SettingsViewModel settings = new SettingsViewModel();
    private final ThemeViewModel themes;
    private final RunViewModel run;
    private final SharedFocus focus = new SharedFocus();
    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    private final BorderPane root = new BorderPane();
    private final ListView<ModelEntry> modelList = new ListView<>(models);
    private final TabPane tabs = new TabPane();
    private final SplitPane mainSplit = new SplitPane();       // models and runs | views | inspector
    private final SplitPane verticalSplit = new SplitPane();   // the above | console and timeline
    private final Label banner = new Label();
    private final HBox bannerBox = new HBox(8);
    private final Timeline memoryTicker;

    public MainWindow(List<TraceView> views, AppPreferences preferences, Path home, Backends backends) {
        this.preferences = Objects.requireNonNull(preferences);
        this.home = Objects.requireNonNull(home);
        this.run = new RunViewModel(settings, views, backends);
        run.useBackend(preferences.backend());
        run.backendChoiceProperty().addListener((o, was, now) -> preferences.setBackend(now));
        this.themes = new ThemeViewModel(preferences);
        views.forEach(themes::bind);
        views.forEach(v -> v.share(focus));
        linkFocusToTimeline();
        run.promptProperty().set(ModelCatalog.defaultPrompt(home.resolve("sample-models")));
        run.notifierProperty().set(this::notify);
        models.setAll(ModelCatalog.bundled(home.resolve("sample-models")));
        for (Path recent : preferences.recentModels()) {
            if (Files.isDirectory(recent) && models.stream().noneMatch(m -> m.directory().equals(recent))) {
                models.add(ModelEntry.of(recent, false));
            }
        }
        ToolBar bar = toolbar();
        bar.getItems().add(themeToggle());
        root.setTop(new VBox(menuBar(), bar));
        mainSplit.getItems().setAll(left(), centre(views), inspector());
        mainSplit.setDividerPositions(preferences.dividers(MAIN_PANES, 0.16, 0.74));
        SplitPane.setResizableWithParent(mainSplit.getItems().get(0), false);
        SplitPane.setResizableWithParent(mainSplit.getItems().get(2), false);
        verticalSplit.getItems().setAll(mainSplit, bottom());
        verticalSplit.setOrientation(Orientation.VERTICAL);
        verticalSplit.setDividerPositions(preferences.dividers(VERTICAL_PANES, 0.78));
        root.setCenter(verticalSplit);
        preferences.selectedView().flatMap(title -> tabs.getTabs().stream().filter(t -> t.getText().equals(title))
                .findFirst()).ifPresent(tabs.getSelectionModel()::select);
        root.setBottom(statusBar());
        memoryTicker = new Timeline(new KeyFrame(Duration.seconds(1), e -> updateMemory()));
        memoryTicker.setCycleCount(Timeline.INDEFINITE);
        memoryTicker.play();
    }

    public MainWindow(List<TraceView> views, AppPreferences preferences, Path home) {
        // The Backend menu's choice, automatic at first: a CUDA GPU when one is usable, else the
        // CPU; the status bar shows which and why.
        this(views, preferences, home, Backends.system());
    }

    /**
     * The focus's step is the timeline's: a view that picks a step moves the timeline, and
     * scrubbing moves the focus (which drops a node of another step).
     */
    private void linkFocusToTimeline() {
        run.selectedStepProperty().addListener((o, was, step) -> focus.update(f -> f.withStep(step.intValue())));
        focus.focusProperty().addListener((o, was, now) -> {
            if (now.step() != run.selectedStepProperty().get()) {
                run.selectedStepProperty().set(now.step());
            }
        });
    }

    /** The focus the views share. */
    public SharedFocus sharedFocus() {
        return focus;
    }

    /** The root node (tests put it in their own stage). */
    public Parent root() {
        return root;
    }

    /**
     * A scene with the keyboard shortcuts: F5 run, F6 step, Shift+F5 stop, Space pause/resume,
     * Ctrl+O open a model, Ctrl+Shift+O open a trace; the Export menu's own (Ctrl+Shift+E the
     * trace, Ctrl+Shift+P the view at 2x) come with its items.
     */
    public Scene scene(double width, double height) {
        Scene scene = new Scene(root, width, height);
        themes.apply(scene);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), run::run);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F6), run::step);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), run::stop);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::chooseDirectory);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                this::chooseTrace);
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
            saveLayout(stage);
            close();
        });
        stage.show();
        openInitialModel();
    }

    private static final String MAIN_PANES = "main";
    private static final String VERTICAL_PANES = "vertical";

    /** Remembers the window's size, its dividers and the view shown, for the next start. */
    private void saveLayout(Stage stage) {
        preferences.setWindowSize(stage.getWidth(), stage.getHeight());
        preferences.setDividers(MAIN_PANES, mainSplit.getDividerPositions());
        preferences.setDividers(VERTICAL_PANES, verticalSplit.getDividerPositions());
        Tab shown = tabs.getSelectionModel().getSelectedItem();
        if (shown != null && !shown.isClosable()) {   // a sweep tab is gone at the next start
            preferences.setSelectedView(shown.getText());
        }
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

    // ---- export and replay -------------------------------------------------------------

    /** Writes the shown run's trace (live so far, finished, or replayed) to {@code file}. */
    public Task<Path> exportTrace(TraceFormat format, Path file) {
        return run.exportTrace(format, file);
    }

    /**
     * Writes the selected tab's view as a PNG at {@code scale} (2 or 3 for print). A view that
     * paints a vector figure is painted, as its SVG is: the same picture in both files and from
     * {@code ./specscope figure}, sharp at any scale, whole (a scrolled draft tree, the whole text
     * or table rather than the part scrolled to), the focus highlighted, and no scroll bars or
     * hover. Other views are snapshot.
     */
    public Task<Path> exportViewPng(Path file, int scale) {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        String what = tab.getText() + " view (PNG " + scale + "x)";
        Optional<VectorFigure> figure = selectedFigure();
        if (figure.isPresent()) {
            Dimension2D size = exportSize(tab, figure.get());
            // Painted here, on the FX thread, as the views' state belongs to it; encoded in the background.
            BufferedImage image = PngExport.toImage(figure.get(), size.getWidth(), size.getHeight(), scale);
            return run.writeFile(what, file, () -> FigureExport.writePng(image, file));
        }
        WritableImage image = FigureExport.snapshot(tab.getContent(), scale, themes.background());
        return run.writeFile(what, file, () -> FigureExport.writePng(image, file));
    }

    /** The selected tab's view if it paints itself as a vector figure (SVG export): a run's view or a sweep's. */
    public Optional<VectorFigure> selectedFigure() {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        if (tab == null) {
            return Optional.empty();
        }
        if (tab.getUserData() instanceof VectorFigure sweep) {
            return Optional.of(sweep);
        }
        return run.views().stream()
                .filter(v -> v.node() == tab.getContent() && v instanceof VectorFigure)
                .map(v -> (VectorFigure) v).findFirst();
    }

    /** Writes the selected tab's view as SVG, as wide as on screen and whole, axes and legend included. */
    public Task<Path> exportViewSvg(Path file) {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        VectorFigure figure = selectedFigure().orElseThrow(
                () -> new IllegalStateException("the " + tab.getText() + " view has no vector export"));
        Dimension2D size = exportSize(tab, figure);
        // Painted here, on the FX thread, as the views' state belongs to it; written in the background.
        String svg = SvgExport.toSvg(figure, size.getWidth(), size.getHeight());
        return run.writeFile(tab.getText() + " view (SVG)", file,
                () -> Files.writeString(file, svg, StandardCharsets.UTF_8));
    }

    /** The size to export the tab's figure at: the view's on screen, or larger where the figure needs it to be whole. */
    private static Dimension2D exportSize(Tab tab, VectorFigure figure) {
        Bounds shown = tab.getContent().getLayoutBounds();
        return figure.exportSize(Math.max(1, shown.getWidth()), Math.max(1, shown.getHeight()));
    }

    /** Writes the whole window as it is on screen as a PNG. */
    public Task<Path> exportWindowPng(Path file) {
        WritableImage image = FigureExport.snapshot(root.getScene());
        return run.writeFile("window (PNG)", file, () -> FigureExport.writePng(image, file));
    }

    /** Opens a saved trace and replays it into the views (no model needed). */
    public Task<RecordedRun> openTrace(Path file) {
        return run.openTrace(file);
    }

    /** The view tabs (Output first, then the views in order). */
    public TabPane viewTabs() {
        return tabs;
    }

    private void chooseTrace() {
        FileChooser chooser = fileChooser("Open a saved trace", "JSON lines trace", "jsonl", null);
        File chosen = chooser.showOpenDialog(window());
        if (chosen != null) {
            preferences.setExportDirectory(chosen.toPath().getParent());
            openTrace(chosen.toPath());
        }
    }

    private void chooseTraceExport(TraceFormat format) {
        Path file = chooseSaveFile("Export the trace as a " + format.description(), format.description(),
                format.extension(), baseName() + "." + format.extension());
        if (file != null) {
            exportTrace(format, file);
        }
    }

    private void chooseViewExport(int scale) {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        String name = tab.getText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        Path file = chooseSaveFile("Export the " + tab.getText() + " view as PNG (" + scale + "x)", "PNG image", "png",
                baseName() + "-" + name + (scale == 1 ? "" : "@" + scale + "x") + ".png");
        if (file != null) {
            exportViewPng(file, scale);
        }
    }

    private void chooseViewSvgExport() {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        String name = tab.getText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        Path file = chooseSaveFile("Export the " + tab.getText() + " view as SVG", "SVG image", "svg",
                baseName() + "-" + name + ".svg");
        if (file != null) {
            exportViewSvg(file);
        }
    }

    private void chooseWindowExport() {
        Path file = chooseSaveFile("Export the window as PNG", "PNG image", "png", baseName() + "-window.png");
        if (file != null) {
            exportWindowPng(file);
        }
    }

    /** The model's (or replayed trace's) name, to start a file name with. */
    private String baseName() {
        return run.recordedRun().map(r -> r.header().model()).orElse("specscope").replaceAll("[^A-Za-z0-9._-]+", "-");
    }

    private Path chooseSaveFile(String title, String description, String extension, String initialName) {
        File chosen = fileChooser(title, description, extension, initialName).showSaveDialog(window());
        if (chosen == null) {
            return null;
        }
        preferences.setExportDirectory(chosen.toPath().getParent());
        return chosen.toPath();
    }

    private FileChooser fileChooser(String title, String description, String extension, String initialName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(description, "*." + extension),
                new FileChooser.ExtensionFilter("All files", "*"));
        preferences.exportDirectory().filter(Files::isDirectory).ifPresent(d -> chooser.setInitialDirectory(d.toFile()));
        if (initialName != null) {
            chooser.setInitialFileName(initialName);
        }
        return chooser;
    }

    private javafx.stage.Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    public RunViewModel runViewModel() {
        return run;
    }

    public SettingsViewModel settingsViewModel() {
        return settings;
    }

    public ThemeViewModel themeViewModel() {
        return themes;
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

    // ---- sweep results -----------------------------------------------------------------

    /**
     * Reads the output of {@code ./specscope sweep --out DIR} (the directory, or its
     * summary.csv) in the background and shows its Pareto frontier in a new, closable tab. A
     * missing or bad file is named (file, line, column) in the console and the banner; nothing
     * else changes.
     */
    public Task<SweepResults> openSweep(Path directory) {
        run.log("opening the sweep results " + directory + " ...");
        Task<SweepResults> task = new Task<>() {
            @Override
            protected SweepResults call() {
                return SweepResults.read(directory);
            }
        };
        task.setOnSucceeded(e -> showSweep(task.getValue()));
        task.setOnFailed(e -> {
            if (task.getException() instanceof SweepResults.FormatException bad) {
                run.error("could not open the sweep results: " + bad.getMessage(), null);
            } else {
                run.error("could not open the sweep results " + directory, task.getException());
            }
        });
        Thread.ofPlatform().daemon().name("specscope-sweep").start(task);
        return task;
    }

    private void showSweep(SweepResults results) {
        SweepParetoView view = new SweepParetoView();
        themes.bind(view);
        view.resultsProperty().set(results);
        Tab tab = new Tab(view.title(), view.node());
        tab.setId("sweepTab");
        tab.setUserData(view);   // the tab's view, for whoever needs more than its node (tests)
        tab.setClosable(true);
        tabs.getTabs().add(tab);
        tabs.getSelectionModel().select(tab);
        run.log("showing the sweep " + results.directory() + ": " + results.model() + ", "
                + results.plotted().size() + " settings");
    }

    private void chooseSweep() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open sweep results (the directory of ./specscope sweep --out)");
        preferences.exportDirectory().filter(Files::isDirectory).ifPresent(d -> chooser.setInitialDirectory(d.toFile()));
        File chosen = chooser.showDialog(window());
        if (chosen != null) {
            openSweep(chosen.toPath());
        }
    }

    // ---- layout ------------------------------------------------------------------------

    /** File (open a model, a trace, sweep results), View (the theme) and Backend (where models run). */
    private MenuBar menuBar() {
        Menu file = new Menu("File");
        file.setId("fileMenu");
        MenuItem openModel = new MenuItem("Open model...");
        openModel.setOnAction(e -> chooseDirectory());
        MenuItem openTrace = new MenuItem("Open trace...");
        openTrace.setOnAction(e -> chooseTrace());
        MenuItem openSweep = new MenuItem("Open sweep results...");
        openSweep.setId("openSweepItem");
        openSweep.setOnAction(e -> chooseSweep());
        file.getItems().addAll(openModel, openTrace, openSweep);

        Menu view = new Menu("View");
        view.setId("viewMenu");
        Menu theme = new Menu("Theme");
        ToggleGroup group = new ToggleGroup();
        for (Themes t : Themes.values()) {
            RadioMenuItem item = new RadioMenuItem(t == Themes.DARK ? "Dark" : "Light");
            item.setId("theme-" + t.name().toLowerCase(Locale.ROOT));
            item.setToggleGroup(group);
            item.setSelected(themes.theme() == t);
            item.setOnAction(e -> themes.themeProperty().set(t));
            themes.themeProperty().addListener((o, a, now) -> item.setSelected(now == t));
            theme.getItems().add(item);
        }
        view.getItems().add(theme);
        MenuBar bar = new MenuBar(file, view, backendMenu());
        bar.setId("menuBar");
        return bar;
    }

    /**
     * Where models run: automatic, the CPU or CUDA, remembered; a change loads the model again
     * there. The CUDA item names the device, or says why there is none and is disabled, once the
     * view model's probe has answered.
     */
    private Menu backendMenu() {
        Menu menu = new Menu("Backend");
        menu.setId("backendMenu");
        ToggleGroup group = new ToggleGroup();
        RadioMenuItem auto = new RadioMenuItem("Automatic (CUDA when usable, else CPU)");
        RadioMenuItem cpu = new RadioMenuItem("CPU");
        RadioMenuItem cuda = new RadioMenuItem("CUDA (looking for a device...)");
        cuda.setDisable(true);
        Map<BackendChoice, RadioMenuItem> items = Map.of(BackendChoice.AUTO, auto, BackendChoice.CPU, cpu,
                BackendChoice.CUDA, cuda);
        items.forEach((choice, item) -> {
            item.setId("backend-" + choice);
            item.setToggleGroup(group);
            item.setOnAction(e -> run.useBackend(choice));
        });
        items.get(run.backendChoiceProperty().get()).setSelected(true);
        run.backendChoiceProperty().addListener((o, was, now) -> items.get(now).setSelected(true));
        Consumer<CudaAvailability> showCuda = found -> {
            cuda.setText(found.isAvailable() ? "CUDA: " + found.device().orElseThrow().describe()
                    : "CUDA (unavailable: " + found.reason() + ")");
            cuda.setDisable(!found.isAvailable());
        };
        Optional.ofNullable(run.cudaProperty().get()).ifPresent(showCuda);
        run.cudaProperty().addListener((o, was, found) -> showCuda.accept(found));
        menu.getItems().addAll(auto, cpu, cuda);
        return menu;
    }

    /** The toolbar's light/dark switch: pressed means dark. */
    private Node themeToggle() {
        ToggleButton toggle = new ToggleButton();
        toggle.setId("themeToggle");
        toggle.setGraphic(new FontIcon(MaterialDesignW.WEATHER_NIGHT));
        toggle.setTooltip(new Tooltip("Dark theme (View > Theme)"));
        toggle.setSelected(themes.theme() == Themes.DARK);
        toggle.selectedProperty().addListener((o, a, dark) -> themes.themeProperty().set(dark ? Themes.DARK : Themes.LIGHT));
        themes.themeProperty().addListener((o, a, now) -> toggle.setSelected(now == Themes.DARK));
        return toggle;
    }

    private ToolBar toolbar() {
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
        Label loadMessage = new Label();
        loadMessage.setId("loadMessage");
        loadMessage.textProperty().bind(run.loadMessageProperty());
        loadMessage.visibleProperty().bind(phase.isEqualTo(Phase.LOADING));
        loadMessage.managedProperty().bind(loadMessage.visibleProperty());
        Button cancelLoad = iconButton("cancelLoadButton", MaterialDesignC.CLOSE, "Cancel loading", run::cancelLoad);
        cancelLoad.visibleProperty().bind(phase.isEqualTo(Phase.LOADING));
        Button openTraceButton = iconButton("openTraceButton", MaterialDesignF.FILE_CHART,
                "Open a saved trace and replay it, no model needed (Ctrl+Shift+O)", this::chooseTrace);
        openTraceButton.setText("Open trace...");
        return new ToolBar(runButton, pauseButton, stepButton, stopButton, startPaused, new Separator(), openButton,
                openTraceButton, exportMenu(), new Separator(), progress, loadMessage, cancelLoad);
    }

    private MenuButton exportMenu() {
        MenuButton export = new MenuButton("Export");
        export.setId("exportMenu");
        export.setGraphic(new FontIcon(MaterialDesignE.EXPORT));
        for (TraceFormat format : TraceFormat.values()) {
            MenuItem item = new MenuItem(format.menuText() + "...");
            item.setId("export-" + format.name().toLowerCase(Locale.ROOT));
            item.setOnAction(e -> chooseTraceExport(format));
            if (format == TraceFormat.JSON_LINES) {
                item.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
            }
            export.getItems().add(item);
        }
        // Nothing to write before a run (or a replay) has a header.
        export.getItems().forEach(i -> i.disableProperty().bind(run.stepCountProperty().isEqualTo(0)));
        Menu view = new Menu("View as PNG");
        view.setId("export-view");
        for (int scale : FigureExport.SCALES) {
            MenuItem item = new MenuItem(scale + "x" + (scale > 1 ? " (print)" : "") + "...");
            item.setId("export-view-" + scale + "x");
            item.setOnAction(e -> chooseViewExport(scale));
            if (scale == 2) {
                item.setAccelerator(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
            }
            view.getItems().add(item);
        }
        MenuItem svg = new MenuItem("View as SVG...");
        svg.setId("export-view-svg");
        svg.setOnAction(e -> chooseViewSvgExport());
        // Views that paint a vector figure have one (all the app's, and the sweep tabs); the Output console has not.
        svg.disableProperty().bind(Bindings.createBooleanBinding(() -> selectedFigure().isEmpty(),
                tabs.getSelectionModel().selectedItemProperty()));
        MenuItem window = new MenuItem("Window as PNG...");
        window.setId("export-window");
        window.setOnAction(e -> chooseWindowExport());
        export.getItems().addAll(new SeparatorMenuItem(), view, svg, window);
        return export;
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
        VBox.setVgrow(runList, Priority.ALWAYS);
        VBox box = new VBox(6, new Label("Models"), modelList, new HBox(6, load, openButton), loaded,
                new Label("Runs"), runList());
        box.setPadding(new Insets(6));
        box.setMinWidth(160);
        return box;
    }

    private final ListView<RunEntry> runList = new ListView<>();

    /** This session's runs and opened traces; selecting one shows it in the views again. */
    private ListView<RunEntry> runList() {
        runList.setId("runList");
        runList.setItems(run.runs());
        runList.setPrefHeight(160);
        runList.setPlaceholder(new Label("runs and opened traces appear here"));
        boolean[] syncing = {false};
        // The list follows the shown run (a run just finished, a trace just opened) ...
        run.shownRunProperty().addListener((o, a, shown) -> {
            syncing[0] = true;
            if (shown == null) {
                runList.getSelectionModel().clearSelection();
            } else {
                runList.getSelectionModel().select(shown);
            }
            syncing[0] = false;
        });
        // ... and the user's pick is shown (refused while a run is live: the list goes back).
        runList.getSelectionModel().selectedItemProperty().addListener((o, a, picked) -> {
            if (!syncing[0] && picked != null && !run.showRun(picked)) {
                javafx.application.Platform.runLater(() -> {
                    syncing[0] = true;
                    runList.getSelectionModel().clearSelection();
                    syncing[0] = false;
                });
            }
        });
        return runList;
    }

    private Node centre(List<TraceView> views) {
        tabs.setId("viewTabs");
        // Only the sweep tabs close (each has its own flag); the run's views stay.
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        TextArea output = new TextArea();
        output.setId("outputText");
        output.setEditable(false);
        output.setWrapText(true);
        output.textProperty().bind(run.textProperty());
        tabs.getTabs().add(new Tab("Output", output));
        for (TraceView view : views) {
            tabs.getTabs().add(new Tab(view.title(), view.node()));
        }
        tabs.getTabs().forEach(t -> t.setClosable(false));
        banner.setId("banner");
        banner.setStyle("-fx-text-fill: #5f2120;");   // dark ink on the pink banner, whatever the theme
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
        // Both take effect at the next run (a drafter or a clock cannot change under a running decoder).
        ChoiceBox<DecodingSetup.DrafterKind> drafter = new ChoiceBox<>(
                FXCollections.observableArrayList(DecodingSetup.DrafterKind.values()));
        drafter.setId("drafterChoice");
        drafter.setConverter(new StringConverter<>() {
            @Override
            public String toString(DecodingSetup.DrafterKind k) {
                return k == null ? "" : k == DecodingSetup.DrafterKind.DRAFT_MODEL ? "draft model" : "prompt lookup";
            }

            @Override
            public DecodingSetup.DrafterKind fromString(String s) {
                return null;
            }
        });
        drafter.valueProperty().bindBidirectional(run.drafterProperty());
        drafter.setTooltip(new Tooltip("The drafter of the next run: the draft model next to the target, or "
                + "prompt lookup (n-grams of the context, no model)"));
        grid.add(new Label("Drafter"), 0, row);
        grid.add(drafter, 1, row++);
        ChoiceBox<ClockChoice> clock = new ChoiceBox<>(FXCollections.observableArrayList(ClockChoice.values()));
        clock.setId("clockChoice");
        clock.valueProperty().bindBidirectional(run.clockProperty());
        clock.setTooltip(new Tooltip("The clock of the next run: this machine's time, or a device's cost model "
                + "(what-if timings; Cascade and tokens/s use it)"));
        grid.add(new Label("Clock"), 0, row);
        grid.add(clock, 1, row++);

        grid.add(section("Expert budget"), 0, row++, 2, 1);
        ChoiceBox<Selection> selection = new ChoiceBox<>(FXCollections.observableArrayList(Selection.values()));
        selection.setId("selectionChoice");
        selection.setConverter(labels(Selection::label));
        selection.valueProperty().bindBidirectional(settings.selectionProperty());
        grid.add(new Label("Selection"), 0, row);
        grid.add(selection, 1, row++);
        javafx.beans.binding.IntegerBinding minBudget = Bindings.createIntegerBinding(settings::minBudget,
                settings.topKProperty(), settings.numExpertsProperty());
        Slider budget = new Slider(1, 1, 1);
        budget.setId("budgetSlider");
        budget.minProperty().bind(minBudget);
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
        ((SpinnerValueFactory.IntegerSpinnerValueFactory) budgetField.getValueFactory()).minProperty()
                .bind(minBudget);
        budgetField.disableProperty().bind(budget.disableProperty());
        Label budgetLabel = new Label();
        budgetLabel.setId("budgetLabel");
        budgetLabel.textProperty().bind(Bindings.createStringBinding(() -> "B (" + settings.minBudget() + ".."
                + settings.numExpertsProperty().get()
                + (settings.budgetProperty().get() >= settings.numExpertsProperty().get() ? ", unbudgeted)" : ")"),
                settings.numExpertsProperty(), settings.topKProperty(), settings.budgetProperty()));
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
        policy.setConverter(labels(SettingsViewModel::label));
        policy.valueProperty().bindBidirectional(settings.policyProperty());
        grid.add(new Label("Outside the budget"), 0, row);
        grid.add(policy, 1, row++);

        grid.add(section("Draft"), 0, row++, 2, 1);
        ChoiceBox<Shape> shape = new ChoiceBox<>(FXCollections.observableArrayList(Shape.values()));
        shape.setId("shapeChoice");
        shape.setConverter(labels(Shape::label));
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
        // A step picked elsewhere (a view's click, a new run) moves the slider and the toggle along.
        run.selectedStepProperty().addListener((o, a, step) -> {
            int sel = step.intValue();
            if (sel < 0) {
                follow.setSelected(true);
            } else {
                programmatic[0] = true;
                follow.setSelected(false);
                timeline.setValue(sel);
                programmatic[0] = false;
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
        Label replay = new Label();
        replay.setId("statusReplay");
        replay.textProperty().bind(run.replayedTraceProperty().map(p -> "replaying " + p.getFileName()).orElse(""));
        Label focused = new Label();
        focused.setId("statusFocus");
        focused.textProperty().bind(focus.focusProperty().map(f -> isPicked(f) ? "focus: " + f.describe() : ""));
        Button clear = new Button();
        clear.setId("clearFocusButton");
        clear.setGraphic(new FontIcon(MaterialDesignC.CLOSE));
        clear.setTooltip(new Tooltip("Clear the focus (layer, expert, node); the step stays"));
        clear.setOnAction(e -> focus.update(TraceFocus::cleared));
        clear.visibleProperty().bind(focus.focusProperty().map(MainWindow::isPicked));
        clear.managedProperty().bind(clear.visibleProperty());
        HBox focusBox = new HBox(4, focused, clear);
        focusBox.setAlignment(Pos.CENTER_LEFT);
        // ControlsFX's status bar: its text says what the run is doing and its progress bar how far
        // a generation is towards its max tokens (a load's progress is in the toolbar, by its
        // Cancel button); the readings sit left and right.
        StatusBar bar = new StatusBar();
        bar.setId("statusBar");
        bar.textProperty().bind(Bindings.createStringBinding(() -> phaseText(run.phaseProperty().get()),
                run.phaseProperty()));
        bar.progressProperty().bind(run.generationProgressProperty());
        bar.getLeftItems().setAll(separated(backend, replay, focusBox));
        bar.getRightItems().setAll(separated(speed, memoryLabel));
        return bar;
    }

    /** The status bar's word for what the run is doing. */
    static String phaseText(Phase phase) {
        return switch (phase) {
            case EMPTY -> "no model";
            case LOADING -> "loading";
            case READY -> "ready";
            case RUNNING -> "generating";
            case PAUSED -> "paused";
            case FINISHED -> "finished";
        };
    }

    /** The nodes with a vertical separator between each two, for a status bar's side. */
    private static List<Node> separated(Node... nodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (!out.isEmpty()) {
                out.add(new Separator(Orientation.VERTICAL));
            }
            out.add(n);
        }
        return out;
    }

    /** Whether the focus names more than the timeline's step (which the step label shows). */
    private static boolean isPicked(TraceFocus f) {
        return f.hasLayer() || f.hasExpert() || f.hasNode();
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

    /** A one-way converter that shows a readable label for a choice. */
    static <T> StringConverter<T> labels(java.util.function.Function<T, String> label) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return value == null ? "" : label.apply(value);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
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
