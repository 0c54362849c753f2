package org.specscope.visualizers;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The output of {@code ./specscope sweep --out DIR}, read for the quality/speed trade-off of
 * expert budgets: one {@link Point} per budget setting of {@code summary.csv} (its means over
 * the prompts), plus what {@code sweep.json} says about the run (model, drafter, clock).
 * The static-K and Cascade rows measure something else (draft length, not budgets) and are
 * left out; the autoregressive row is kept as the speed reference.
 *
 * <p>Pure: no JavaFX. A missing file or a bad column fails with a {@link FormatException}
 * naming the file, the line and the column.
 */
public record SweepResults(Path directory, String model, int experts, String drafter, String clock, String tree,
                           List<Point> points) {

    public static final String SUMMARY = "summary.csv";
    public static final String JSON = "sweep.json";
    /** The summary columns this reader needs (the sweep writes more). */
    public static final List<String> COLUMNS = List.of("setting", "kind", "policy", "budget", "prompts",
            "tokens_per_second", "mean_accepted", "mean_kept_experts", "exact_match", "top1_agreement", "kl_mean",
            "speedup");

    public SweepResults {
        points = List.copyOf(points);
    }

    /**
     * One setting's means over the prompts.
     *
     * @param kind   "budget" (fixed B, and the unbudgeted reference), "coverage" (tau), or "static" (autoregressive)
     * @param policy "substitute", "truncate", or "none" / "" for the references
     * @param budget B, or tau for a coverage budget, or N for the unbudgeted run
     */
    public record Point(String setting, String kind, String policy, double budget, int prompts,
                        double tokensPerSecond, double meanAccepted, double meanKeptExperts, double exactMatch,
                        double top1Agreement, double klMean, double speedup) {

        public boolean isUnbudgeted() {
            return setting.equals("unbudgeted");
        }

        public boolean isAutoregressive() {
            return setting.equals("autoregressive");
        }

        /** A budgeted setting (the lines of the plot), not a reference. */
        public boolean isBudgeted() {
            return (kind.equals("budget") || kind.equals("coverage")) && !isUnbudgeted();
        }

        /** The line it belongs to: policy, and "coverage" for tau budgets ("substitute", "coverage truncate"). */
        public String series() {
            return kind.equals("coverage") ? "coverage " + policy : policy;
        }

        /** The short label drawn by the point: B (or tau) and the mean accepted length. */
        public String label() {
            String b = kind.equals("coverage") ? "\u03c4=" + number(budget) : isUnbudgeted() ? "B=N" : "B=" + number(budget);
            return String.format(Locale.ROOT, "%s, acc %.2f", b, meanAccepted);
        }
    }

    /** What the x axis shows: how fast (more is better) or how many experts kept (fewer is better). */
    public enum Speed {
        SPEEDUP("speedup vs autoregressive", true, Point::speedup),
        TOKENS_PER_SECOND("tokens/s", true, Point::tokensPerSecond),
        MEAN_KEPT_EXPERTS("mean kept experts per layer", false, Point::meanKeptExperts);

        private final String label;
        private final boolean higherIsBetter;
        private final ToDoubleFunction<Point> value;

        Speed(String label, boolean higherIsBetter, ToDoubleFunction<Point> value) {
            this.label = label;
            this.higherIsBetter = higherIsBetter;
            this.value = value;
        }

        public double of(Point p) {
            return value.applyAsDouble(p);
        }

        public String label() {
            return label;
        }

        /** False for kept experts, a cost: there the frontier prefers fewer. */
        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What the y axis shows: agreement with the unbudgeted run. */
    public enum Quality {
        EXACT_MATCH("exact match with unbudgeted", Point::exactMatch),
        TOP1_AGREEMENT("top-1 agreement", Point::top1Agreement);

        private final String label;
        private final ToDoubleFunction<Point> value;

        Quality(String label, ToDoubleFunction<Point> value) {
            this.label = label;
            this.value = value;
        }

        public double of(Point p) {
            return value.applyAsDouble(p);
        }

        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The points drawn: the budgeted settings and the unbudgeted reference (not autoregressive). */
    public List<Point> plotted() {
        return points.stream().filter(p -> p.isBudgeted() || p.isUnbudgeted()).toList();
    }

    /** The unbudgeted reference, if the sweep ran it. */
    public java.util.Optional<Point> unbudgeted() {
        return points.stream().filter(Point::isUnbudgeted).findFirst();
    }

    /** The budgeted points by line (policy, coverage), each line in order of its budget. */
    public Map<String, List<Point>> series() {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        points.stream().filter(Point::isBudgeted).forEach(p -> out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p));
        out.values().forEach(l -> l.sort(Comparator.comparingDouble(Point::budget)));
        return out;
    }

    /**
     * The Pareto frontier of the plotted points under {@code speed} and {@code quality}, in
     * order of x. A point is on it unless another is at least as good on both axes and better
     * on one (ties at exact match 1.0 are common: of two equally exact settings only the faster
     * one is on the frontier).
     */
    public List<Point> frontier(Speed speed, Quality quality) {
        List<Point> all = plotted();
        List<Point> out = new ArrayList<>();
        for (Point p : all) {
            if (all.stream().noneMatch(o -> o != p && dominates(o, p, speed, quality))) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparingDouble(speed::of));
        return out;
    }

    /** Whether {@code a} is at least as good as {@code b} on both axes and better on one. */
    public static boolean dominates(Point a, Point b, Speed speed, Quality quality) {
        double sa = speed.higherIsBetter() ? speed.of(a) : -speed.of(a);
        double sb = speed.higherIsBetter() ? speed.of(b) : -speed.of(b);
        double qa = quality.of(a);
        double qb = quality.of(b);
        return sa >= sb && qa >= qb && (sa > sb || qa > qb);
    }

    // ---- reading -------------------------------------------------------------------------

    /** A sweep output that cannot be read: which file, line and column, and why. */
    public static final class FormatException extends RuntimeException {

        private final Path file;
        private final String column;

        public FormatException(Path file, int line, String column, String problem) {
            super(file + (line > 0 ? " line " + line : "") + (column == null ? "" : ", column " + column) + ": " + problem);
            this.file = file;
            this.column = column;
        }

        public Path file() {
            return file;
        }

        /** The column (or JSON field) at fault, or null. */
        public String column() {
            return column;
        }
    }

    /**
     * Reads the sweep written to {@code path} (the --out directory, or its summary.csv).
     * summary.csv is required; sweep.json is optional (without it the model and clock are
     * unknown) but must parse when present.
     */
    public static SweepResults read(Path path) {
        Path dir = Files.isRegularFile(path) ? path.toAbsolutePath().getParent() : path;
        Path summary = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(summary)) {
            throw new FormatException(summary, 0, null, "no such file (the output of ./specscope sweep --out "
                    + dir.getFileName() + " holds summary.csv and sweep.json)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(summary);
        } catch (IOException e) {
            throw new FormatException(summary, 0, null, "cannot be read: " + e.getMessage());
        }
        List<Point> points = parseSummary(summary, lines);

        String model = dir.getFileName() == null ? "" : dir.getFileName().toString();
        int experts = 0;
        String drafter = "";
        String clock = "";
        String tree = "";
        Path json = dir.resolve(JSON);
        if (Files.isRegularFile(json)) {
            JsonNode root;
            try {
                root = JsonMapper.builder().build().readTree(json.toFile());
            } catch (JacksonException e) {
                throw new FormatException(json, 0, null, "not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw new FormatException(json, 0, null, "not a JSON object");
            }
            model = text(json, root, "model", model);
            drafter = text(json, root, "drafter", drafter);
            clock = text(json, root, "clock", clock);
            tree = text(json, root, "tree", tree);
            JsonNode n = root.get("experts");
            if (n != null) {
                if (!n.isIntegralNumber()) {
                    throw new FormatException(json, 0, "experts", "expected a whole number, got " + n);
                }
                experts = n.intValue();
            }
        }
        return new SweepResults(dir, model, experts, drafter, clock, tree, points);
    }

    private static String text(Path file, JsonNode root, String field, String otherwise) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return otherwise;
        }
        if (!n.isString()) {
            throw new FormatException(file, 0, field, "expected text, got " + n);
        }
        return n.asString();
    }

    static List<Point> parseSummary(Path file, List<String> lines) {
        if (lines.isEmpty() || lines.getFirst().isBlank()) {
            throw new FormatException(file, 1, null, "empty: expected a header line with " + String.join(",", COLUMNS));
        }
        List<String> header = split(lines.getFirst());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i).strip(), i);
        }
        for (String column : COLUMNS) {
            if (!index.containsKey(column)) {
                throw new FormatException(file, 1, column, "missing from the header");
            }
        }
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Row row = new Row(file, i + 1, split(line), index);
            points.add(new Point(row.text("setting"), row.text("kind"), row.text("policy"), row.number("budget"),
                    (int) row.number("prompts"), row.number("tokens_per_second"), row.number("mean_accepted"),
                    row.number("mean_kept_experts"), row.number("exact_match"), row.number("top1_agreement"),
                    row.number("kl_mean"), row.number("speedup")));
        }
        if (points.isEmpty()) {
            throw new FormatException(file, 2, null, "no settings: the sweep wrote only a header");
        }
        return points;
    }

    private record Row(Path file, int line, List<String> cells, Map<String, Integer> index) {

        String text(String column) {
            int i = index.get(column);
            if (i >= cells.size()) {
                throw new FormatException(file, line, column, "missing: the line has " + cells.size() + " cells");
            }
            return cells.get(i).strip();
        }

        double number(String column) {
            String s = text(column);
            try {
                double v = Double.parseDouble(s);
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new FormatException(file, line, column, "'" + s + "' is not a number");
            }
        }
    }

    /** One CSV line's cells (double quotes group a cell holding commas; "" is a quote). */
    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
