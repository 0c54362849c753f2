package org.specscope.app;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.BackendChoice;
import org.specscope.engine.backend.cpu.CpuBackend;
import org.specscope.engine.backend.cuda.CudaAvailability;
import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.session.GenerationSession;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.RunEnd;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceFormatException;
import org.specscope.engine.trace.TraceReader;
import org.specscope.visualizers.TraceView;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One model and its runs, for the main window. Loading happens on a background Task
 * (progress shown, cancellable); a run is a {@link GenerationSession} on its own thread whose
 * records reach the views coalesced, once per pulse. Every public method and property belongs
 * to the JavaFX thread. Errors go to the console and the notifier; the last good model stays
 * loaded.
 */
public final class RunViewModel implements AutoCloseable {

    /** Where the window stands. */
    public enum Phase { EMPTY, LOADING, READY, RUNNING, PAUSED, FINISHED }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final SettingsViewModel settings;
    private final List<TraceView> views;
    private final Backends backends;
    private final ExecutorService background = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("specscope-load").daemon().unstarted(r));
    /** Trace files and figures: their own thread, so an export never waits behind a model load. */
    private final ExecutorService files = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("specscope-files").daemon().unstarted(r));

    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.EMPTY);
    private final ReadOnlyObjectWrapper<ModelEntry> model = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper loadProgress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper loadMessage = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper backend = new ReadOnlyStringWrapper("no model loaded");
    private final ReadOnlyIntegerWrapper stepCount = new ReadOnlyIntegerWrapper(0);
    /** Tokens the shown run has generated, as a fraction of its max tokens (0 for a replayed trace). */
    private final ReadOnlyDoubleWrapper generationProgress = new ReadOnlyDoubleWrapper(0);
    private int runMaxTokens;          // the max tokens the shown run started with; 0 when not a live run
    private int tokensGenerated;
    private final ReadOnlyDoubleWrapper tokensPerSecond = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper("");
    private final ObservableList<String> console = FXCollections.observableArrayList();
    private final StringProperty prompt = new SimpleStringProperty("");
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(128);
    private final IntegerProperty selectedStep = new SimpleIntegerProperty(-1);
    private final BooleanProperty startPaused = new SimpleBooleanProperty(false);
    private final ObjectProperty<Consumer<String>> notifier = new SimpleObjectProperty<>(m -> { });
    private final ReadOnlyObjectWrapper<Path> replayedTrace = new ReadOnlyObjectWrapper<>();
    private final ObservableList<RunEntry> runs = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<RunEntry> shownRun = new ReadOnlyObjectWrapper<>();
    private final ObjectProperty<DecodingSetup.DrafterKind> drafter = new SimpleObjectProperty<>();
    private final ObjectProperty<ClockChoice> clock = new SimpleObjectProperty<>(ClockChoice.WALL);
    /** What the next load runs on. */
    private final ReadOnlyObjectWrapper<BackendChoice> backendChoice = new ReadOnlyObjectWrapper<>(BackendChoice.AUTO);
    /** What the CUDA probe found; null until it has answered. */
    private final ReadOnlyObjectWrapper<CudaAvailability> cuda = new ReadOnlyObjectWrapper<>();

    private final List<StepTrace> steps = new ArrayList<>();
    // The shown run's header and end (live or replayed): with the steps, the trace to export.
    private RunHeader header;
    private RunEnd end;
    private DecodingSetup setup;
    private Task<DecodingSetup> loading;
    private Task<DecodingSetup> latestLoad;   // the last load begun: an older one's late end changes nothing
    private ModelEntry loadingEntry;
    private BackendChoice loadedChoice;   // what the loaded model was loaded with
    private GenerationSession session;
    private int runNumber;
    private long tokensDecoded;
    private long decodeNanos;

    /**
     * @param backends a fresh backend for each model load, by the backend chosen
     */
    public RunViewModel(SettingsViewModel settings, List<TraceView> views, Backends backends) {
        this.settings = Objects.requireNonNull(settings);
        this.views = List.copyOf(views);
        this.backends = Objects.requireNonNull(backends);
        settings.setTarget(this::applySettings);
        selectedStep.addListener((obs, old, index) -> this.views.forEach(v -> v.select(index.intValue())));
        background.execute(this::probeCuda);   // the probe loads the driver: before the first load, on its thread
    }

    private void probeCuda() {
        CudaAvailability found;
        try {
            found = backends.cuda().get();
        } catch (RuntimeException e) {
            found = CudaAvailability.unavailable("the CUDA probe failed: " + e.getMessage());
        }
        CudaAvailability answer = found;
        Platform.runLater(() -> cuda.set(answer));
    }

    /** On the CPU with every core. */
    public RunViewModel(SettingsViewModel settings, List<TraceView> views) {
        this(settings, views, Backends.cpuOnly(CpuBackend::new));
    }

    // ---- loading -----------------------------------------------------------------------

    /**
     * Opens {@code entry} in the background on the backend chosen, its progress in
     * {@link #loadProgressProperty()} and {@link #loadMessageProperty()} (a GPU's upload too); the
     * model loaded before stays until it succeeds. {@link #cancelLoad()} stops the engine at its
     * next unit of work. When the chosen backend cannot be had (CUDA chosen where there is none),
     * the choice goes back to the loaded model's, or to automatic with nothing loaded, which then
     * loads {@code entry}.
     */
    public Task<DecodingSetup> load(ModelEntry entry) {
        latestLoad = null;   // the load in progress is superseded: its end, now or late, changes nothing
        cancelLoad();
        BackendChoice choice = backendChoice.get();
        log("loading " + entry.directory() + entry.draft().map(d -> " with draft " + d.getFileName()).orElse("")
                + (choice == BackendChoice.AUTO ? "" : " on " + Backends.label(choice)) + " ...");
        Phase before = phase.get() == Phase.LOADING ? (setup == null ? Phase.EMPTY : Phase.READY) : phase.get();
        Task<DecodingSetup> task = new Task<>() {
            @Override
            protected DecodingSetup call() {
                updateProgress(-1, 1);
                updateMessage("opening " + entry.name());
                Backend backend;
                try {
                    backend = backends.open(choice);
                } catch (RuntimeException e) {
                    throw new BackendUnavailableException(e);
                }
                // Task coalesces these updates to one per pulse, however often the engine reports.
                LoadMonitor monitor = LoadMonitor.of(step -> {
                    updateMessage(step.message());
                    updateProgress(step.total() > 0 ? step.done() : -1, Math.max(1, step.total()));
                }, this::isCancelled);
                DecodingSetup opened = DecodingSetup.open(backend, entry.directory(), entry.draft(), monitor);
                if (isCancelled()) {   // cancelled after the engine's last check
                    opened.close();
                    return null;
                }
                updateProgress(1, 1);
                return opened;
            }
        };
        loading = task;
        latestLoad = task;
        loadingEntry = entry;
        loadProgress.bind(task.progressProperty());
        loadMessage.bind(task.messageProperty());
        phase.set(Phase.LOADING);
        task.setOnSucceeded(e -> {
            if (latestLoad != task) {   // finished just as a newer load replaced it: that one counts
                Optional.ofNullable(task.getValue()).ifPresent(superseded -> closeAfter(null, superseded));
                return;
            }
            loadEnded(1);
            DecodingSetup opened = task.getValue();
            if (opened == null) {
                phase.set(before);
                return;
            }
            GenerationSession previous = session;
            stop();
            session = null;
            runNumber++;   // the old run's last records are not for the new model's views
            DecodingSetup old = setup;
            setup = opened;
            loadedChoice = choice;
            model.set(entry);
            int n = opened.target().config().moe().map(m -> m.numExperts()).orElse(1);
            settings.numExpertsProperty().set(n);
            settings.topKProperty().set(opened.target().config().moe().map(m -> m.expertsPerToken()).orElse(1));
            backend.set(opened.backend().description());
            drafter.set(opened.defaultDrafter());
            phase.set(Phase.READY);
            log("loaded " + entry.name() + ": " + opened.target().config().architecture().className() + ", "
                    + opened.target().config().numLayers() + " layers, " + n + " experts; drafter: "
                    + opened.defaultDrafter().name().toLowerCase(Locale.ROOT) + "; " + opened.backend().description());
            if (old != null) {
                closeAfter(previous, old);
            }
        });
        task.setOnFailed(e -> {
            Throwable failure = task.getException();
            if (failure instanceof BackendUnavailableException) {
                error("could not run on " + Backends.label(choice), failure.getCause());
            } else {
                error("could not open " + entry.directory(), failure);
            }
            if (latestLoad != task) {   // failed just as a newer load replaced it: that one decides
                return;
            }
            loadEnded(0);
            phase.set(before);
            if (setup != null) {
                backendChoice.set(loadedChoice);   // the loaded model still runs where it was
            } else if (failure instanceof BackendUnavailableException && choice != BackendChoice.AUTO) {
                backendChoice.set(BackendChoice.AUTO);
                log("loading " + entry.name() + " on the automatic choice instead");
                load(entry);
            }
        });
        task.setOnCancelled(e -> {
            loadEnded(0);
            phase.set(before);
            if (setup != null && latestLoad == task) {
                backendChoice.set(loadedChoice);   // the user kept the model where it runs
            }
            log("loading " + entry.name() + " cancelled");
        });
        background.execute(task);
        return task;
    }

    /** The chosen backend could not be had; the load never began. */
    private static final class BackendUnavailableException extends RuntimeException {
        BackendUnavailableException(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Runs the models on {@code choice} from now on: the model loaded (or being loaded) is loaded
     * again there, and stays where it was if that fails.
     */
    public void useBackend(BackendChoice choice) {
        if (choice == backendChoice.get()) {
            return;
        }
        backendChoice.set(choice);
        ModelEntry entry = loading != null ? loadingEntry : model.get();
        if (entry != null) {
            log("running on " + Backends.label(choice) + " from now on: loading " + entry.name() + " again");
            load(entry);
        }
    }

    /** The load task is over, however it ended: its progress shows {@code progress}, its message goes. */
    private void loadEnded(double progress) {
        loadProgress.unbind();
        loadProgress.set(progress);
        loadMessage.unbind();
        loadMessage.set("");
        loading = null;
        loadingEntry = null;
    }

    /**
     * Abandons a load in progress: the engine stops at its next unit of work and closes what it
     * had opened (the interrupt also ends a blocking file read). The model loaded before stays.
     */
    public void cancelLoad() {
        if (loading != null) {
            loading.cancel(true);   // on this thread, the task's cancelled handler runs at once
            loading = null;
        }
    }

    // ---- running -----------------------------------------------------------------------

    /** Starts a new generation (or resumes a paused one). */
    public void run() {
        if (session != null && phase.get() == Phase.PAUSED) {
            resume();
            return;
        }
        startRun(startPaused.get());
    }

    /** Pauses a running generation, resumes a paused one. */
    public void togglePause() {
        if (phase.get() == Phase.RUNNING) {
            pause();
        } else if (phase.get() == Phase.PAUSED) {
            resume();
        }
    }

    public void pause() {
        if (session != null && phase.get() == Phase.RUNNING) {
            session.pause();
            phase.set(Phase.PAUSED);
            log("paused");
        }
    }

    public void resume() {
        if (session != null && phase.get() == Phase.PAUSED) {
            session.resume();
            phase.set(Phase.RUNNING);
            log("resumed");
        }
    }

    /** One step: while paused the next step; with nothing running a new run that stops after its prefill. */
    public void step() {
        if (session != null && phase.get() == Phase.RUNNING) {
            pause();
        } else if (session != null && phase.get() == Phase.PAUSED) {
            session.step();
        } else {
            startRun(true);
        }
    }

    /** Ends the run at its next step boundary. */
    public void stop() {
        if (session != null && (phase.get() == Phase.RUNNING || phase.get() == Phase.PAUSED)) {
            session.cancel();
            log("stopping");
        }
    }

    private void startRun(boolean paused) {
        if (setup == null) {
            error("no model is loaded", null);
            return;
        }
        if (phase.get() == Phase.LOADING || phase.get() == Phase.RUNNING || phase.get() == Phase.PAUSED) {
            return;
        }
        DecodingSetup s = setup;
        Settings initial = settings.settings();
        int[] promptIds;
        Drafter drafter;
        Clock clock;
        try {
            promptIds = s.target().tokenizer().encode(prompt.get());
            DecodingSetup.DrafterKind kind = this.drafter.get() == null ? s.defaultDrafter() : this.drafter.get();
            drafter = s.newDrafter(kind, promptIds.length, maxTokens.get());
            // A fresh clock per run: a cost-model clock accumulates.
            clock = (this.clock.get() == null ? ClockChoice.WALL : this.clock.get()).newClock();
        } catch (RuntimeException e) {
            error("could not start the run", e);
            return;
        }
        int run = ++runNumber;
        RunHeader header = s.header(drafter, clock, promptIds, prompt.get(), initial);
        CoalescingTraceSink sink = new CoalescingTraceSink(Platform::runLater, batch -> deliver(run, batch));
        GenerationSession next = new GenerationSession(s.newDecoder(drafter, clock, CascadeConfig.DEFAULT), promptIds,
                maxTokens.get(), initial, header, sink);
        clearShownRun();
        runMaxTokens = maxTokens.get();
        session = next;
        phase.set(paused ? Phase.PAUSED : Phase.RUNNING);
        log("run " + run + ": " + promptIds.length + " prompt tokens, up to " + maxTokens.get() + " new; "
                + initial.describe() + "; drafter " + drafter.name() + "; clock " + clock.describe()
                + (paused ? " (paused after the prefill)" : ""));
        next.completion().whenComplete((end, failure) -> {
            try {
                drafter.close();
            } catch (Exception e) {
                // nothing held that matters once the run is over
            }
            if (failure != null) {
                Platform.runLater(() -> {
                    if (run == runNumber) {
                        phase.set(Phase.FINISHED);
                    }
                    error("the run failed", failure instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : failure);
                });
            }
        });
        next.start(paused);
    }

    /** On the FX thread: one pulse's worth of records of run {@code run}. */
    private void deliver(int run, List<CoalescingTraceSink.Record> batch) {
        if (run != runNumber) {
            return;   // a stopped run's last records
        }
        StringBuilder emitted = new StringBuilder();
        RunEnd ended = null;
        for (CoalescingTraceSink.Record r : batch) {
            switch (r) {
                case CoalescingTraceSink.Header h -> {
                    header = h.header();
                    views.forEach(v -> v.start(header));
                }
                case CoalescingTraceSink.Step st -> emitted.append(show(st.step()));
                case CoalescingTraceSink.End e -> ended = e.end();
            }
        }
        stepsShown(emitted);
        if (ended != null) {
            finished(ended);   // after the counters, so that its log line has this batch's tokens/s
        }
    }

    /** One step to the views and the counters; its emitted text. */
    private String show(StepTrace step) {
        steps.add(step);
        tokensGenerated += step.emittedIds().size();
        if (step.step() > 0) {
            tokensDecoded += step.emittedIds().size();
            decodeNanos += step.timings().totalNanos();
        }
        views.forEach(v -> v.append(step));
        return step.emittedText();
    }

    private void stepsShown(CharSequence emitted) {
        text.set(text.get() + emitted);
        stepCount.set(steps.size());
        generationProgress.set(runMaxTokens > 0 ? Math.min(1, (double) tokensGenerated / runMaxTokens) : 0);
        if (decodeNanos > 0) {
            tokensPerSecond.set(tokensDecoded * 1e9 / decodeNanos);
        }
    }

    private void clearShownRun() {
        shownRun.set(null);
        steps.clear();
        header = null;
        end = null;
        replayedTrace.set(null);
        stepCount.set(0);
        generationProgress.set(0);
        runMaxTokens = 0;
        tokensGenerated = 0;
        tokensDecoded = 0;
        decodeNanos = 0;
        tokensPerSecond.set(0);
        text.set("");
        selectedStep.set(-1);
    }

    private void finished(RunEnd end) {
        this.end = end;
        session = null;
        phase.set(Phase.FINISHED);
        listShownRun(null);
        log(String.format(Locale.ROOT, "run %d ended (%s): %d tokens in %d steps, %.1f tokens/s", runNumber,
                end.stopReason().toLowerCase(Locale.ROOT), end.generatedIds().size(), end.steps(),
                tokensPerSecond.get()));
    }

    private void applySettings(Settings next) {
        GenerationSession s = session;
        if (s != null) {
            s.updateSettings(old -> next);
            log("settings from the next step: " + next.describe());
        }
    }

    // ---- traces: export and replay ----------------------------------------------------

    /**
     * The shown run as a trace (live, so far, or replayed); empty before any run. FX thread:
     * the copy can then be written from any thread.
     */
    public Optional<RecordedRun> recordedRun() {
        return header == null ? Optional.empty() : Optional.of(new RecordedRun(header, steps, end));
    }

    /** Writes the shown run's trace to {@code file} in the background; a failure goes to the console and the banner. */
    public Task<Path> exportTrace(TraceFormat format, Path file) {
        RecordedRun run = recordedRun().orElse(null);
        return writeFile(format.description(), file, () -> {
            if (run == null) {
                throw new IOException("nothing to export yet: run the model or open a trace first");
            }
            format.write(run, file);
        });
    }

    /** Something that writes one file (the snapshot or the records it needs taken beforehand, on the FX thread). */
    public interface FileWriting {
        void write() throws IOException;
    }

    /**
     * Writes {@code file} in the background: "exported ..." in the console on success, the
     * reason in the console and the banner on failure; the task's value is the file.
     */
    public Task<Path> writeFile(String what, Path file, FileWriting writing) {
        Task<Path> task = new Task<>() {
            @Override
            protected Path call() throws IOException {
                writing.write();
                return file;
            }
        };
        task.setOnSucceeded(e -> log("exported the " + what + " to " + file));
        task.setOnFailed(e -> error("could not export the " + what + " to " + file + ": "
                + FigureExport.why(task.getException()), null));
        files.execute(task);
        return task;
    }

    /**
     * Opens a saved JSON lines trace and replays it into the views without a model: the views
     * get its header and every step, and the timeline scrubs over them. Read strictly in the
     * background; a bad file (cut off, a malformed line or field) leaves the shown run as it
     * was and says which file, line and field in the console and the banner.
     */
    public Task<RecordedRun> openTrace(Path file) {
        log("opening the trace " + file + " ...");
        Task<RecordedRun> task = new Task<>() {
            @Override
            protected RecordedRun call() {
                return TraceReader.read(file, TraceReader.Mode.STRICT);
            }
        };
        task.setOnSucceeded(e -> replay(file, task.getValue()));
        task.setOnFailed(e -> {
            // Its message already names the file, the line and the field; its cause is the parser's noise.
            if (task.getException() instanceof TraceFormatException bad) {
                error("could not open the trace: " + bad.getMessage(), null);
            } else {
                error("could not open the trace " + file, task.getException());
            }
        });
        files.execute(task);
        return task;
    }

    private void replay(Path file, RecordedRun recorded) {
        display(recorded, file);
        listShownRun(file);
        log(String.format(Locale.ROOT, "replaying %s: %s, %d steps, %s; settings %s", file.getFileName(),
                header.model(), steps.size(), end == null ? "no end record"
                        : "ended (" + end.stopReason().toLowerCase(Locale.ROOT) + ")", header.settings().describe()));
    }

    /** Lists the run now shown (just finished, or just opened) in this session's runs. */
    private void listShownRun(Path file) {
        recordedRun().ifPresent(r -> {
            RunEntry entry = new RunEntry(runs.size() + 1, r, file);
            runs.add(entry);
            shownRun.set(entry);
        });
    }

    /**
     * Shows a run listed earlier in this session again, from memory (no model, no file). Not
     * while a run is in progress: that would throw its records away; stop it first.
     */
    public boolean showRun(RunEntry entry) {
        if (entry == null || entry == shownRun.get()) {
            return entry != null;
        }
        if (phase.get() == Phase.RUNNING || phase.get() == Phase.PAUSED) {
            log("stop the run in progress before showing run #" + entry.number());
            return false;
        }
        display(entry.run(), entry.trace());
        shownRun.set(entry);
        log("showing run #" + entry.number() + ": " + entry.describe());
        return true;
    }

    /** Puts {@code recorded} into the views as the shown run (a replay: no session). */
    private void display(RecordedRun recorded, Path file) {
        if (session != null) {
            session.cancel();
            session = null;
        }
        runNumber++;   // a live run's last records are not for the replay
        clearShownRun();
        header = recorded.header();
        end = recorded.end();
        replayedTrace.set(file);
        views.forEach(v -> v.start(header));
        StringBuilder emitted = new StringBuilder();
        for (StepTrace step : recorded.steps()) {
            emitted.append(show(step));
        }
        stepsShown(emitted);
        if (phase.get() != Phase.LOADING) {
            phase.set(setup == null ? Phase.EMPTY : Phase.FINISHED);
        }
    }

    // ---- console -----------------------------------------------------------------------

    /** Adds a line to the console. */
    public void log(String message) {
        console.add(LocalTime.now().format(TIME) + "  " + message);
        if (console.size() > 2000) {
            console.remove(0, console.size() - 2000);
        }
    }

    /** An error: to the console (with its causes) and to the notifier; the app goes on. */
    public void error(String what, Throwable cause) {
        StringBuilder message = new StringBuilder(what);
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            message.append(": ").append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        log("ERROR " + message);
        notifier.get().accept(message.toString());
    }

    // ---- properties --------------------------------------------------------------------

    public SettingsViewModel settings() { return settings; }
    public List<TraceView> views() { return views; }
    /** The steps of the current run so far (FX thread). */
    public List<StepTrace> steps() { return List.copyOf(steps); }
    public ReadOnlyObjectProperty<Phase> phaseProperty() { return phase.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ModelEntry> modelProperty() { return model.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty loadProgressProperty() { return loadProgress.getReadOnlyProperty(); }
    /** What the load in progress is doing ("mapping model-00002-of-00003.safetensors"); empty otherwise. */
    public ReadOnlyStringProperty loadMessageProperty() { return loadMessage.getReadOnlyProperty(); }
    public ReadOnlyStringProperty backendProperty() { return backend.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty stepCountProperty() { return stepCount.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty generationProgressProperty() { return generationProgress.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty tokensPerSecondProperty() { return tokensPerSecond.getReadOnlyProperty(); }
    public ReadOnlyStringProperty textProperty() { return text.getReadOnlyProperty(); }
    public ObservableList<String> console() { return console; }
    public StringProperty promptProperty() { return prompt; }
    public IntegerProperty maxTokensProperty() { return maxTokens; }
    /** The step selected on the timeline; -1 follows the newest. */
    public IntegerProperty selectedStepProperty() { return selectedStep; }
    /** Whether Run starts paused after the prefill. */
    public BooleanProperty startPausedProperty() { return startPaused; }
    public ObjectProperty<Consumer<String>> notifierProperty() { return notifier; }
    /** The CUDA device, or why there is none; null until the probe has answered. */
    public ReadOnlyObjectProperty<CudaAvailability> cudaProperty() { return cuda.getReadOnlyProperty(); }
    /** What models load on: changed by {@link #useBackend}, and back when a change fails. */
    public ReadOnlyObjectProperty<BackendChoice> backendChoiceProperty() { return backendChoice.getReadOnlyProperty(); }
    /** The trace file the views replay; null while they show a live run (or nothing). */
    public ReadOnlyObjectProperty<Path> replayedTraceProperty() { return replayedTrace.getReadOnlyProperty(); }
    /** This session's finished runs and opened traces, oldest first, each kept whole. */
    public ObservableList<RunEntry> runs() { return FXCollections.unmodifiableObservableList(runs); }
    /** The listed run the views show; null while a run is live (or nothing is shown). */
    public ReadOnlyObjectProperty<RunEntry> shownRunProperty() { return shownRun.getReadOnlyProperty(); }
    /** The drafter of the next run: the loaded model's default until chosen. */
    public ObjectProperty<DecodingSetup.DrafterKind> drafterProperty() { return drafter; }
    /** The clock of the next run: the wall, or a device's cost model for what-if timings. */
    public ObjectProperty<ClockChoice> clockProperty() { return clock; }

    @Override
    public void close() {
        cancelLoad();
        if (session != null) {
            session.cancel();
        }
        if (setup != null) {
            closeAfter(session, setup);
        }
        setup = null;
        background.shutdown();
        files.shutdown();
    }

    /** Closes {@code old} once {@code run} (which may still be decoding with it) has ended. */
    private static void closeAfter(GenerationSession run, DecodingSetup old) {
        if (run == null) {
            Thread.ofPlatform().daemon().name("specscope-close").start(old::close);
        } else {
            run.completion().whenComplete((e, f) -> old.close());
        }
    }
}
