package org.specscope.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import javafx.geometry.Dimension2D;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceReader;
import org.specscope.styles.Themes;
import org.specscope.visualizers.CascadeFigure;
import org.specscope.visualizers.DistinctExpertsFigure;
import org.specscope.visualizers.DraftTreeFigure;
import org.specscope.visualizers.ExpertHeatmapFigure;
import org.specscope.visualizers.PngExport;
import org.specscope.visualizers.SubstitutionsFigure;
import org.specscope.visualizers.SvgExport;
import org.specscope.visualizers.SweepParetoFigure;
import org.specscope.visualizers.SweepResults;
import org.specscope.visualizers.TokenStreamFigure;
import org.specscope.visualizers.TraceFigure;
import org.specscope.visualizers.TraceFocus;
import org.specscope.visualizers.UsageDistributionFigure;
import org.specscope.visualizers.VectorFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code figure}: one view of a saved trace as an SVG or a PNG, without a window. The view's
 * figure is fed the trace like the app feeds the view (header, every step, the selected step and
 * the focus to highlight), then painted by the same code that draws the screen, legend and axes
 * included. The {@code sweep} view reads a sweep's output directory instead of a trace.
 */
@Command(name = "figure", mixinStandardHelpOptions = true,
        description = "Write one view of a saved trace (JSON lines), or a sweep's Pareto frontier, as SVG (vector) "
                + "or PNG, headless.")
final class FigureCommand implements Callable<Integer> {

    /** The view drawn from a sweep's output (--sweep) rather than a trace. */
    static final String SWEEP = "sweep";

    /** The views of a trace, by their command-line names. */
    static final Map<String, Supplier<TraceFigure>> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put("draft-tree", DraftTreeFigure::new);
        VIEWS.put("cascade", CascadeFigure::new);
        VIEWS.put("distinct-experts", DistinctExpertsFigure::new);
        VIEWS.put("heatmap", ExpertHeatmapFigure::new);
        VIEWS.put("usage", UsageDistributionFigure::new);
        VIEWS.put("token-stream", TokenStreamFigure::new);
        VIEWS.put("substitutions", SubstitutionsFigure::new);
    }

    @Option(names = "--trace", paramLabel = "FILE.jsonl", description = "The saved trace to read (every view but sweep).")
    Path trace;

    @Option(names = "--sweep", paramLabel = "DIR",
            description = "The output of ./specscope sweep --out DIR, or its summary.csv (the sweep view).")
    Path sweep;

    @Option(names = "--view", required = true, paramLabel = "VIEW",
            description = "draft-tree, cascade, distinct-experts, heatmap, usage, token-stream, substitutions or sweep.")
    String view;

    @Option(names = "--x", defaultValue = "speedup", paramLabel = "AXIS",
            description = "The sweep's x axis: speedup, tokens-per-second or mean-kept-experts (default: speedup).")
    String xAxis;

    @Option(names = "--y", defaultValue = "exact-match", paramLabel = "AXIS",
            description = "The sweep's y axis: exact-match or top1-agreement (default: exact-match).")
    String yAxis;

    @Option(names = "--step", defaultValue = "-1", paramLabel = "N",
            description = "The step to show (0 is the prefill; default: the last).")
    int step;

    @Option(names = "--layer", defaultValue = "-1", paramLabel = "L",
            description = "Highlight decoder layer L, as the app's focus does (default: none).")
    int layer;

    @Option(names = "--expert", defaultValue = "-1", paramLabel = "E",
            description = "Highlight expert E (of --layer), as the app's focus does (default: none).")
    int expert;

    @Option(names = "--node", defaultValue = "-1", paramLabel = "N",
            description = "Ring node N of --step's draft tree (the bonus token is the tree's size; default: none).")
    int node;

    @Option(names = "--out", required = true, paramLabel = "FILE.svg|FILE.png", description = "The file to write.")
    Path out;

    @Option(names = "--width", defaultValue = "900", paramLabel = "W", description = "Width in pixels (default: 900).")
    double width;

    /** Null when not given: 500, or what the figure needs to be shown whole (a big tree, a long text, a table). */
    @Option(names = "--height", paramLabel = "H",
            description = "Height in pixels (default: 500, or larger where the figure needs it to be shown whole: "
                    + "a big draft tree, the token stream, the substitutions).")
    Double height;

    @Option(names = "--scale", defaultValue = "1", paramLabel = "S",
            description = "PNG pixels per pixel, 2 or 3 for print (default: 1; SVG scales freely).")
    double scale;

    @Option(names = "--theme", defaultValue = "light", paramLabel = "light|dark", description = "Palette (default: light).")
    String theme;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        boolean isSweep = view.equals(SWEEP);
        Supplier<TraceFigure> make = VIEWS.get(view);
        if (make == null && !isSweep) {
            throw new IllegalArgumentException("unknown view '" + view + "': choose one of "
                    + String.join(", ", VIEWS.keySet()) + ", " + SWEEP);
        }
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("--out must end in .svg or .png: " + out);
        }
        double asked = height == null ? 500 : height;
        if (!(width >= 1 && asked >= 1 && scale > 0 && scale <= 16)) {
            throw new IllegalArgumentException("--width and --height must be at least 1 and --scale in (0, 16]");
        }
        Themes palette = switch (theme.toLowerCase(Locale.ROOT)) {
            case "light" -> Themes.LIGHT;
            case "dark" -> Themes.DARK;
            default -> throw new IllegalArgumentException("unknown theme '" + theme + "': choose light or dark");
        };
        VectorFigure figure;
        String what;
        if (isSweep) {
            if (sweep == null || trace != null) {
                throw new IllegalArgumentException("the sweep view reads --sweep DIR (the output of ./specscope sweep), "
                        + "not a trace");
            }
            figure = sweepFigure(palette);
            what = "sweep " + sweep;
        } else {
            if (trace == null || sweep != null) {
                throw new IllegalArgumentException("the " + view + " view reads --trace FILE.jsonl"
                        + (sweep != null ? " (--sweep is for the sweep view)" : ""));
            }
            RecordedRun run = TraceReader.read(trace);
            figure = traceFigure(make.get(), run, palette);
            what = view + ", step " + (step < 0 ? run.steps().getLast().step() : step);
        }
        // asked for a height, exactly that; else 500, or what the figure needs to be shown whole
        Dimension2D size = height == null ? figure.exportSize(width, asked) : new Dimension2D(width, asked);
        try {
            if (png) {
                PngExport.write(figure, size.getWidth(), size.getHeight(), scale, out);
            } else {
                SvgExport.write(figure, size.getWidth(), size.getHeight(), out);
            }
        } catch (IOException e) {
            String why = switch (e) {
                case NoSuchFileException n -> "its directory does not exist";
                case AccessDeniedException a -> "permission denied";
                default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            };
            throw new IOException("cannot write " + out + ": " + why, e);
        }
        PrintWriter o = spec.commandLine().getOut();
        Dimension2D whole = figure.exportSize(size.getWidth(), size.getHeight());
        if (whole.getWidth() > size.getWidth() + 0.5 || whole.getHeight() > size.getHeight() + 0.5) {
            // an author who fixed the size must hear that part of the figure fell outside it
            spec.commandLine().getErr().printf(Locale.ROOT, "note: the %s figure needs %.0fx%.0f to be shown whole; "
                    + "what lies past %.0fx%.0f is cut (leave out --height to get it whole)%n", view, whole.getWidth(),
                    whole.getHeight(), size.getWidth(), size.getHeight());
            spec.commandLine().getErr().flush();
        }
        o.printf(Locale.ROOT, "wrote %s (%s, %s)%n", out, what,
                png ? String.format(Locale.ROOT, "PNG %dx%d", (int) Math.ceil(size.getWidth() * scale),
                        (int) Math.ceil(size.getHeight() * scale))
                        : "SVG");
        o.flush();
        return 0;
    }

    /** The trace's view fed as the app feeds it: the header, every step, then the step selected and the focus. */
    private TraceFigure traceFigure(TraceFigure figure, RecordedRun run, Themes palette) {
        int steps = run.steps().size();
        if (steps == 0) {
            throw new IllegalArgumentException(trace + " has no steps to draw");
        }
        if (step < -1 || step >= steps) {
            throw new IllegalArgumentException("no step " + step + " in " + trace + ": it has steps 0 to " + (steps - 1));
        }
        figure.setTheme(palette);
        figure.start(run.header());
        for (StepTrace s : run.steps()) {
            figure.append(s);
        }
        figure.select(step);
        figure.setFocus(new TraceFocus(step, layer, expert, node));
        return figure;
    }

    private SweepParetoFigure sweepFigure(Themes palette) {
        SweepResults results;
        try {
            results = SweepResults.read(sweep);
        } catch (SweepResults.FormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        SweepParetoFigure figure = new SweepParetoFigure();
        figure.setResults(results);
        figure.setSpeed(axis(SweepResults.Speed.class, "--x", xAxis));
        figure.setQuality(axis(SweepResults.Quality.class, "--y", yAxis));
        figure.setTheme(palette);
        return figure;
    }

    /** An axis by its command-line name: the constant's name in lower case, words joined by '-'. */
    private static <E extends Enum<E>> E axis(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + option + " axis '" + value + "': choose one of "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()));
    }
}
