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
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceReader;
import org.specscope.styles.Themes;
import org.specscope.visualizers.CascadeFigure;
import org.specscope.visualizers.DistinctExpertsFigure;
import org.specscope.visualizers.DraftTreeFigure;
import org.specscope.visualizers.ExpertHeatmapFigure;
import org.specscope.visualizers.PngExport;
import org.specscope.visualizers.SvgExport;
import org.specscope.visualizers.TraceFigure;
import org.specscope.visualizers.TraceFocus;
import org.specscope.visualizers.UsageDistributionFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code figure}: one view of a saved trace as an SVG or a PNG, without a window. The view's
 * figure is fed the trace like the app feeds the view (header, every step, the selected step and
 * the focus to highlight), then painted by the same code that draws the screen, legend and axes
 * included.
 */
@Command(name = "figure", mixinStandardHelpOptions = true,
        description = "Write one view of a saved trace (JSON lines) as SVG (vector) or PNG, headless.")
final class FigureCommand implements Callable<Integer> {

    /** The views with a vector figure, by their command-line names. */
    static final Map<String, Supplier<TraceFigure>> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put("draft-tree", DraftTreeFigure::new);
        VIEWS.put("cascade", CascadeFigure::new);
        VIEWS.put("distinct-experts", DistinctExpertsFigure::new);
        VIEWS.put("heatmap", ExpertHeatmapFigure::new);
        VIEWS.put("usage", UsageDistributionFigure::new);
    }

    @Option(names = "--trace", required = true, paramLabel = "FILE.jsonl", description = "The saved trace to read.")
    Path trace;

    @Option(names = "--view", required = true, paramLabel = "VIEW",
            description = "draft-tree, cascade, distinct-experts, heatmap or usage.")
    String view;

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

    @Option(names = "--height", defaultValue = "500", paramLabel = "H", description = "Height in pixels (default: 500).")
    double height;

    @Option(names = "--scale", defaultValue = "1", paramLabel = "S",
            description = "PNG pixels per pixel, 2 or 3 for print (default: 1; SVG scales freely).")
    double scale;

    @Option(names = "--theme", defaultValue = "light", paramLabel = "light|dark", description = "Palette (default: light).")
    String theme;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Supplier<TraceFigure> make = VIEWS.get(view);
        if (make == null) {
            throw new IllegalArgumentException("unknown view '" + view + "': choose one of " + String.join(", ", VIEWS.keySet()));
        }
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("--out must end in .svg or .png: " + out);
        }
        if (!(width >= 1 && height >= 1 && scale > 0 && scale <= 16)) {
            throw new IllegalArgumentException("--width and --height must be at least 1 and --scale in (0, 16]");
        }
        Themes palette = switch (theme.toLowerCase(Locale.ROOT)) {
            case "light" -> Themes.LIGHT;
            case "dark" -> Themes.DARK;
            default -> throw new IllegalArgumentException("unknown theme '" + theme + "': choose light or dark");
        };
        RecordedRun run = TraceReader.read(trace);
        int steps = run.steps().size();
        if (steps == 0) {
            throw new IllegalArgumentException(trace + " has no steps to draw");
        }
        if (step < -1 || step >= steps) {
            throw new IllegalArgumentException("no step " + step + " in " + trace + ": it has steps 0 to " + (steps - 1));
        }
        TraceFigure figure = make.get();
        figure.setTheme(palette);
        figure.start(run.header());
        for (StepTrace s : run.steps()) {
            figure.append(s);
        }
        figure.select(step);
        figure.setFocus(new TraceFocus(step, layer, expert, node));
        try {
            if (png) {
                PngExport.write(figure, width, height, scale, out);
            } else {
                SvgExport.write(figure, width, height, out);
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
        o.printf(Locale.ROOT, "wrote %s (%s, step %d, %s)%n", out, view, step < 0 ? run.steps().getLast().step() : step,
                png ? String.format(Locale.ROOT, "PNG %dx%d", (int) Math.ceil(width * scale), (int) Math.ceil(height * scale))
                        : "SVG");
        o.flush();
        return 0;
    }
}
