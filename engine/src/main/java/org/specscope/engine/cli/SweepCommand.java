package org.specscope.engine.cli;

import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.spec.SpeculativeDecoder;
import org.specscope.engine.spec.TreeShape;
import org.specscope.engine.trace.RunStatistics;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.VerificationQuality;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sweep}: the quality/speed trade-off of expert budgets, and Cascade against static draft
 * lengths, over a set of prompts, measured in one run and written as CSV and JSON for plotting.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Measure expert budgets (quality vs speed) and Cascade vs static K over a set of prompts.")
final class SweepCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SpeculationOptions speculation;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--prompts", required = true, split = ",", paramLabel = "FILE",
            description = "Prompt files (comma-separated or repeated): blocks separated by lines of ---- "
                    + "(like sample-models/prompts/*.txt), else one prompt per line.")
    List<Path> promptFiles;

    @Option(names = "--budgets", split = ",", paramLabel = "B,...",
            description = "Fixed budgets to try (default: N/4, N/2, 3N/4 of the model's N experts).")
    List<Integer> budgets;

    @Option(names = "--coverages", split = ",", paramLabel = "TAU,...", description = "Coverage budgets to try (e.g. 0.5,0.8).")
    List<Double> coverages;

    @Option(names = "--policies", split = ",", defaultValue = "substitute,truncate", paramLabel = "P,...",
            description = "Coverage policies to try (default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--static-k", split = ",", defaultValue = "0,1,2,3,4", paramLabel = "K,...",
            description = "Static draft lengths to compare Cascade with (default: ${DEFAULT-VALUE}; 0 = autoregressive).")
    List<Integer> staticK;

    @Option(names = "--no-cascade", description = "Skip the Cascade vs static K comparison.")
    boolean noCascade;

    @Option(names = "--no-budgets", description = "Skip the expert budgets (only the unbudgeted reference runs).")
    boolean noBudgets;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "48", paramLabel = "N",
            description = "Tokens generated per prompt and setting (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-prompts", paramLabel = "N", description = "Use only the first N prompts of each file.")
    Integer maxPrompts;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Directory for sweep.csv, "
            + "sweep.json, summary.csv and cascade.csv.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One generation's measurements. */
    record Measured(String setting, String kind, String policy, double budget, int prompt, RunStatistics stats,
                    int[] ids, double exactMatch, int firstDivergence) {

        double top1Agreement() {
            VerificationQuality q = stats.quality();
            return q == null || q.nodes() == 0 ? 1 : (double) q.top1Agreements() / q.nodes();
        }

        double klMean() {
            VerificationQuality q = stats.quality();
            return q == null || q.nodes() == 0 ? 0 : q.klSum() / q.nodes();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        List<String> prompts = new ArrayList<>();
        for (Path file : promptFiles) {
            List<String> fromFile = readPrompts(file);
            prompts.addAll(maxPrompts == null ? fromFile : fromFile.subList(0, Math.min(maxPrompts, fromFile.size())));
        }
        Files.createDirectories(out);
        List<Measured> rows = new ArrayList<>();
        try (DecodingSetup setup = speculation.openSetup(modelOptions)) {
            var moe = setup.target().config().moe();
            int n = moe.map(m -> m.numExperts()).orElse(0);
            TreeShape tree = speculation.treeShape();
            Settings base = new Settings(ExpertBudget.UNLIMITED, speculation.scoreWeighting(), tree, false,
                    sampling.params());
            List<Integer> budgetList = budgets != null ? budgets
                    : n == 0 ? List.of() : List.of(Math.max(1, n / 4), n / 2, 3 * n / 4);
            console.printf(Locale.ROOT, "sweep: %s, %d prompts, %d tokens each, %s, drafter %s, clock %s%n",
                    setup.target().directory().getFileName(), prompts.size(), maxTokens, tree.describe(),
                    speculation.drafterKind(setup), speculation.newClock().describe());
            for (int p = 0; p < prompts.size(); p++) {
                int[] ids = setup.target().tokenizer().encode(prompts.get(p));
                Measured reference = measure(setup, ids, base.withTree(TreeShape.NONE), "autoregressive", "static", "",
                        0, p, null);
                rows.add(reference);
                rows.add(measure(setup, ids, base, "unbudgeted", "budget", "none", n, p, reference));
                for (String policyName : noBudgets ? List.<String>of() : policies) {
                    CoveragePolicy policy = BudgetOptions.coveragePolicy(policyName);
                    for (int b : budgetList) {
                        ExpertBudget budget = b >= n ? ExpertBudget.UNLIMITED : ExpertBudget.fixed(b, policy);
                        rows.add(measure(setup, ids, base.withBudget(budget), budget.describe(), "budget",
                                policy.name().toLowerCase(Locale.ROOT), b, p, reference));
                    }
                    for (double tau : coverages == null ? List.<Double>of() : coverages) {
                        ExpertBudget budget = ExpertBudget.coverage(tau, policy);
                        rows.add(measure(setup, ids, base.withBudget(budget), budget.describe(), "coverage",
                                policy.name().toLowerCase(Locale.ROOT), tau, p, reference));
                    }
                }
                if (!noCascade) {
                    int maxK = 0;
                    for (int k : staticK) {
                        if (k > 0) {
                            rows.add(measure(setup, ids, base.withTree(tree.isChain() ? TreeShape.chain(k) : tree.withDepth(k)),
                                    "static K=" + k, "static", "", k, p, reference));
                        }
                        maxK = Math.max(maxK, k);
                    }
                    TreeShape cascadeShape = tree.isChain() ? TreeShape.chain(Math.max(maxK, tree.depth()))
                            : tree.withDepth(Math.max(maxK, tree.depth()));
                    Settings cascade = base.withTree(cascadeShape).withCascade(true);
                    rows.add(measure(setup, ids, cascade, "cascade", "cascade", "", cascadeShape.depth(), p, reference));
                    // The paper's controller as published (every test candidate runs t iterations), for comparison.
                    rows.add(measure(setup, ids, cascade, CascadeConfig.PAPER, "cascade (paper)", "cascade", "",
                            cascadeShape.depth(), p, reference));
                }
                console.printf(Locale.ROOT, "  prompt %d/%d done%n", p + 1, prompts.size());
                console.flush();
            }
            writeOutputs(rows, setup, n);
            printSummary(console, rows, n);
        }
        return 0;
    }

    private Measured measure(DecodingSetup setup, int[] promptIds, Settings settings, String label, String kind,
                             String policy, double budget, int prompt, Measured reference) {
        return measure(setup, promptIds, settings, CascadeConfig.DEFAULT, label, kind, policy, budget, prompt, reference);
    }

    private Measured measure(DecodingSetup setup, int[] promptIds, Settings settings, CascadeConfig cascade, String label,
                             String kind, String policy, double budget, int prompt, Measured reference) {
        Clock clock = speculation.newClock();
        try (Drafter drafter = setup.newDrafter(speculation.drafterKind(setup), promptIds.length, maxTokens)) {
            SpeculativeDecoder decoder = setup.newDecoder(drafter, clock, cascade);
            decoder.measureQuality(!settings.budget().isUnlimited());
            List<StepTrace> steps = new ArrayList<>();
            steps.add(decoder.prefill(promptIds, maxTokens, settings));
            while (!decoder.isFinished()) {
                steps.add(decoder.step(settings));
            }
            int[] ids = decoder.generatedIds();
            double exact = 1;
            int divergence = -1;
            if (reference != null) {
                int[] ref = reference.ids();
                int same = 0;
                for (int i = 0; i < Math.min(ids.length, ref.length); i++) {
                    if (ids[i] == ref[i]) {
                        same++;
                    } else if (divergence < 0) {
                        divergence = i;
                    }
                }
                if (divergence < 0 && ids.length != ref.length) {
                    divergence = Math.min(ids.length, ref.length);
                }
                exact = ref.length == 0 ? 1 : (double) same / Math.max(ref.length, ids.length);
            }
            return new Measured(label, kind, policy, budget, prompt, RunStatistics.of(steps), ids, exact, divergence);
        }
    }

    static List<String> readPrompts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("prompts file " + file + " does not exist");
        }
        List<String> lines = Files.readAllLines(file);
        List<String> prompts = new ArrayList<>();
        if (lines.stream().anyMatch(l -> l.strip().equals("----"))) {
            StringBuilder block = new StringBuilder();
            for (String line : lines) {
                if (line.strip().equals("----")) {
                    addIfPresent(prompts, block.toString());
                    block.setLength(0);
                } else {
                    block.append(block.isEmpty() ? "" : "\n").append(line);
                }
            }
            addIfPresent(prompts, block.toString());
        } else {
            lines.forEach(l -> addIfPresent(prompts, l));
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts file " + file + " holds no prompt");
        }
        return prompts;
    }

    private static void addIfPresent(List<String> prompts, String text) {
        if (!text.isBlank()) {
            prompts.add(text.strip());
        }
    }

    private static final String CSV_HEADER = "setting,kind,policy,budget,prompt,tokens_per_second,mean_accepted,"
            + "tokens_per_step,mean_kept_experts,mean_distinct_experts,expert_bytes_per_step,weight_bytes_per_token,"
            + "exact_match,first_divergence,top1_agreement,kl_mean";

    private static String csvRow(Measured m) {
        RunStatistics s = m.stats();
        return String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.3f,%.4f,%.4f,%.3f,%.3f,%.0f,%.0f,%.4f,%d,%.4f,%.6f",
                m.setting(), m.kind(), m.policy(), fmt(m.budget()), m.prompt(), s.tokensPerSecond(), s.meanAccepted(),
                s.tokensPerStep(), s.meanKeptExperts(), s.meanDistinctExperts(), s.expertBytesPerStep(),
                s.weightBytesPerToken(), m.exactMatch(), m.firstDivergence(), m.top1Agreement(), m.klMean());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Per setting, the mean of each figure over prompts (in first-seen order). */
    static Map<String, List<Measured>> bySetting(List<Measured> rows) {
        Map<String, List<Measured>> out = new LinkedHashMap<>();
        for (Measured m : rows) {
            out.computeIfAbsent(m.setting(), k -> new ArrayList<>()).add(m);
        }
        return out;
    }

    private void writeOutputs(List<Measured> rows, DecodingSetup setup, int n) throws IOException {
        List<String> csv = new ArrayList<>();
        csv.add(CSV_HEADER);
        rows.forEach(m -> csv.add(csvRow(m)));
        Files.write(out.resolve("sweep.csv"), csv);

        List<String> summary = new ArrayList<>();
        summary.add("setting,kind,policy,budget,prompts,tokens_per_second,mean_accepted,mean_kept_experts,"
                + "expert_bytes_per_step,weight_bytes_per_token,exact_match,top1_agreement,kl_mean,speedup");
        double arSpeed = mean(bySetting(rows).getOrDefault("autoregressive", List.of()),
                m -> m.stats().tokensPerSecond());
        bySetting(rows).forEach((setting, ms) -> {
            Measured first = ms.getFirst();
            double speed = mean(ms, m -> m.stats().tokensPerSecond());
            summary.add(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.3f,%.4f,%.3f,%.0f,%.0f,%.4f,%.4f,%.6f,%.4f",
                    setting, first.kind(), first.policy(), fmt(first.budget()), ms.size(), speed,
                    mean(ms, m -> m.stats().meanAccepted()), mean(ms, m -> m.stats().meanKeptExperts()),
                    mean(ms, m -> m.stats().expertBytesPerStep()), mean(ms, m -> m.stats().weightBytesPerToken()),
                    mean(ms, Measured::exactMatch), mean(ms, Measured::top1Agreement), mean(ms, Measured::klMean),
                    arSpeed == 0 ? 0 : speed / arSpeed));
        });
        Files.write(out.resolve("summary.csv"), summary);

        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", setup.target().directory().getFileName().toString());
        root.put("experts", n);
        root.put("tree", speculation.treeShape().describe());
        root.put("drafter", speculation.drafterKind(setup).name().toLowerCase(Locale.ROOT));
        root.put("clock", speculation.newClock().describe());
        root.put("max_tokens", maxTokens);
        ArrayNode array = root.putArray("runs");
        for (Measured m : rows) {
            ObjectNode o = array.addObject();
            RunStatistics s = m.stats();
            o.put("setting", m.setting());
            o.put("kind", m.kind());
            o.put("policy", m.policy());
            o.put("budget", m.budget());
            o.put("prompt", m.prompt());
            o.put("tokens_per_second", s.tokensPerSecond());
            o.put("mean_accepted", s.meanAccepted());
            o.put("tokens_per_step", s.tokensPerStep());
            o.put("mean_kept_experts", s.meanKeptExperts());
            o.put("mean_distinct_experts", s.meanDistinctExperts());
            o.put("expert_bytes_per_step", s.expertBytesPerStep());
            o.put("weight_bytes_per_token", s.weightBytesPerToken());
            o.put("exact_match", m.exactMatch());
            o.put("first_divergence", m.firstDivergence());
            o.put("top1_agreement", m.top1Agreement());
            o.put("kl_mean", m.klMean());
        }
        Files.writeString(out.resolve("sweep.json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));

        List<String> cascade = new ArrayList<>();
        cascade.add("prompt,setting,tokens_per_second,ratio_to_autoregressive");
        Map<Integer, Double> ar = new LinkedHashMap<>();
        rows.stream().filter(m -> m.setting().equals("autoregressive"))
                .forEach(m -> ar.put(m.prompt(), m.stats().tokensPerSecond()));
        rows.stream().filter(m -> m.kind().equals("static") || m.kind().equals("cascade")).forEach(m ->
                cascade.add(String.format(Locale.ROOT, "%d,%s,%.3f,%.4f", m.prompt(), m.setting(),
                        m.stats().tokensPerSecond(), m.stats().tokensPerSecond() / ar.get(m.prompt()))));
        Files.write(out.resolve("cascade.csv"), cascade);
    }

    /** The lowest speed ratio of {@code runs} to {@code reference} on the same prompt. */
    private static double worstRatio(List<Measured> runs, List<Measured> reference) {
        double worst = Double.POSITIVE_INFINITY;
        for (Measured c : runs) {
            for (Measured a : reference) {
                if (a.prompt() == c.prompt()) {
                    worst = Math.min(worst, c.stats().tokensPerSecond() / a.stats().tokensPerSecond());
                }
            }
        }
        return worst;
    }

    private static double mean(List<Measured> ms, java.util.function.ToDoubleFunction<Measured> f) {
        return ms.stream().mapToDouble(f).average().orElse(0);
    }

    /** The table, then the targets as ratios measured in this run. */
    private void printSummary(PrintWriter console, List<Measured> rows, int n) {
        Map<String, List<Measured>> settings = bySetting(rows);
        console.printf(Locale.ROOT, "%-26s %9s %8s %8s %11s %9s %8s %9s%n", "setting", "tok/s", "accept",
                "kept", "expertMB", "exact", "top1", "KL");
        settings.forEach((setting, ms) -> console.printf(Locale.ROOT, "%-26s %9.1f %8.2f %8.1f %11.3f %9.3f %8.3f %9.5f%n",
                setting, mean(ms, m -> m.stats().tokensPerSecond()), mean(ms, m -> m.stats().meanAccepted()),
                mean(ms, m -> m.stats().meanKeptExperts()), mean(ms, m -> m.stats().expertBytesPerStep()) / 1e6,
                mean(ms, Measured::exactMatch), mean(ms, Measured::top1Agreement), mean(ms, Measured::klMean)));
        console.println("targets (ratios measured in this run):");
        List<Measured> full = settings.getOrDefault("unbudgeted", List.of());
        double fullBytes = mean(full, m -> m.stats().expertBytesPerStep());
        for (String policy : policies) {
            CoveragePolicy p = BudgetOptions.coveragePolicy(policy);
            List<Measured> half = settings.get(ExpertBudget.fixed(n / 2, p).describe());
            if (half != null && fullBytes > 0) {
                double ratio = mean(half, m -> m.stats().expertBytesPerStep()) / fullBytes;
                console.printf(Locale.ROOT, "  expert bytes per verification at B=N/2 (%s) / unbudgeted: %.3f (target <= 0.6) %s%n",
                        policy, ratio, ratio <= 0.6 ? "OK" : "MISSED");
            }
        }
        List<Measured> threeQuarters = settings.get(ExpertBudget.fixed(3 * n / 4, CoveragePolicy.SUBSTITUTE).describe());
        if (threeQuarters != null) {
            double exact = mean(threeQuarters, Measured::exactMatch);
            console.printf(Locale.ROOT, "  exact match at B=3N/4 substitute vs unbudgeted greedy: %.4f (target >= 0.99) %s%n",
                    exact, exact >= 0.99 ? "OK" : "MISSED");
        }
        List<Measured> ar = settings.get("autoregressive");
        if (settings.containsKey("cascade") && ar != null) {
            double worst = worstRatio(settings.get("cascade"), ar);
            console.printf(Locale.ROOT, "  worst Cascade / autoregressive speed over prompts: %.3f (target >= 0.97) %s%n",
                    worst, worst >= 0.97 ? "OK" : "MISSED");
        }
        if (settings.containsKey("cascade (paper)") && ar != null) {
            console.printf(Locale.ROOT, "  (the paper's controller, every test candidate run t iterations: %.3f)%n",
                    worstRatio(settings.get("cascade (paper)"), ar));
        }
        console.println("wrote " + out.resolve("sweep.csv") + ", summary.csv, sweep.json, cascade.csv");
        console.flush();
    }
}
