package org.specscope.engine.cli;

import org.specscope.engine.control.CascadeConfig;
import org.specscope.engine.control.Clock;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.session.GenerationSession;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.Drafter;
import org.specscope.engine.trace.ChromeTraceWriter;
import org.specscope.engine.trace.CsvSummaryWriter;
import org.specscope.engine.trace.JsonLinesTraceWriter;
import org.specscope.engine.trace.RecordedRun;
import org.specscope.engine.trace.RecordingSink;
import org.specscope.engine.trace.RunEnd;
import org.specscope.engine.trace.RunHeader;
import org.specscope.engine.trace.RunStatistics;
import org.specscope.engine.trace.StepTrace;
import org.specscope.engine.trace.TraceSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * {@code run}: speculative decoding with a draft tree, an optional MoE-Spec expert budget and
 * Cascade, printing the text and a summary, and writing the trace on request.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Speculative decoding with draft trees, expert budgets (MoE-Spec) and Cascade, traced step by step.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SpeculationOptions speculation;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    BudgetOptions budgetOptions;

    @Mixin
    PromptOptions request;

    @Option(names = "--trace", paramLabel = "FILE.jsonl", description = "Write every step as JSON lines (replayable).")
    Path trace;

    @Option(names = "--chrome-trace", paramLabel = "FILE.json", description = "Write a Chrome trace (opens in Perfetto).")
    Path chromeTrace;

    @Option(names = "--csv", paramLabel = "FILE.csv", description = "Write one summary row per step.")
    Path csv;

    @Option(names = "--json", description = "Print one JSON object (ids, text, steps, tokens_per_second, ...) instead of text.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (DecodingSetup setup = speculation.openSetup(modelOptions)) {
            Settings settings = new Settings(budgetOptions.expertBudget(setup.target().config()),
                    speculation.scoreWeighting(), speculation.treeShape(), speculation.cascade, sampling.params());
            int[] promptIds = setup.target().tokenizer().encode(request.prompt);
            Clock clock = speculation.newClock();
            try (Drafter drafter = setup.newDrafter(speculation.drafterKind(setup), promptIds.length, request.maxTokens)) {
                RunHeader header = setup.header(drafter, clock, promptIds, request.prompt, settings);
                RecordingSink recording = new RecordingSink();
                List<TraceSink> sinks = new ArrayList<>();
                sinks.add(recording);
                JsonLinesTraceWriter jsonLines = trace == null ? null : new JsonLinesTraceWriter(trace);
                if (jsonLines != null) {
                    sinks.add(jsonLines);
                }
                if (!json) {
                    sinks.add(step -> {
                        out.print(step.emittedText());
                        out.flush();
                    });
                }
                GenerationSession session = new GenerationSession(setup.newDecoder(drafter, clock, CascadeConfig.DEFAULT),
                        promptIds, request.maxTokens, settings, header, TraceSink.all(sinks));
                session.start(false);
                RunEnd end;
                try {
                    end = session.completion().join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                } finally {
                    if (jsonLines != null) {
                        jsonLines.close();
                    }
                }
                RecordedRun run = recording.run();
                if (chromeTrace != null) {
                    ChromeTraceWriter.write(run, chromeTrace);
                }
                if (csv != null) {
                    CsvSummaryWriter.write(run, csv);
                }
                RunStatistics stats = RunStatistics.of(run.steps());
                if (json) {
                    printJson(out, header, end, stats, settings);
                } else {
                    out.println();
                    printSummary(out, header, end, stats, settings);
                }
            }
        }
        return 0;
    }

    private static void printSummary(PrintWriter out, RunHeader header, RunEnd end, RunStatistics s, Settings settings) {
        out.printf(Locale.ROOT, "-- %s | %s | drafter: %s | clock: %s%n", header.model(), settings.describe(),
                header.drafter(), header.clock());
        out.printf(Locale.ROOT, "   %d tokens in %d steps (%s): %.1f tokens/s, %.2f drafts accepted per step "
                        + "(%.2f tokens/step, %.1f nodes verified)%n",
                end.generatedIds().size(), s.decodeSteps(), end.stopReason().toLowerCase(Locale.ROOT),
                s.tokensPerSecond(), s.meanAccepted(), s.tokensPerStep(), s.meanTreeNodes());
        if (header.numExperts() > 0) {
            out.printf(Locale.ROOT, "   experts per layer per pass: %.1f distinct run of %d (kept %.1f); "
                            + "expert bytes per step %.2f MB; weight bytes per token %.2f MB%n",
                    s.meanDistinctExperts(), header.numExperts(), s.meanKeptExperts(), s.expertBytesPerStep() / 1e6,
                    s.weightBytesPerToken() / 1e6);
            StringBuilder perLayer = new StringBuilder("   distinct experts by layer:");
            for (double d : s.distinctExpertsPerLayer()) {
                perLayer.append(String.format(Locale.ROOT, " %.1f", d));
            }
            out.println(perLayer);
        } else {
            out.printf(Locale.ROOT, "   weight bytes per token %.2f MB%n", s.weightBytesPerToken() / 1e6);
        }
        out.flush();
    }

    private static void printJson(PrintWriter out, RunHeader header, RunEnd end, RunStatistics s, Settings settings) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode o = mapper.createObjectNode();
        o.put("model", header.model());
        o.put("drafter", header.drafter());
        o.put("backend", header.backend());
        o.put("clock", header.clock());
        o.put("settings", settings.describe());
        var prompt = o.putArray("prompt_ids");
        header.promptIds().stream().forEach(prompt::add);
        var ids = o.putArray("ids");
        end.generatedIds().stream().forEach(ids::add);
        o.put("text", end.text());
        o.put("stop_reason", end.stopReason().toLowerCase(Locale.ROOT));
        o.put("steps", s.decodeSteps());
        o.put("tokens_per_second", s.tokensPerSecond());
        o.put("mean_accepted", s.meanAccepted());
        o.put("tokens_per_step", s.tokensPerStep());
        o.put("mean_tree_nodes", s.meanTreeNodes());
        o.put("expert_bytes_per_step", s.expertBytesPerStep());
        o.put("weight_bytes_per_token", s.weightBytesPerToken());
        o.put("mean_kept_experts", s.meanKeptExperts());
        var distinct = o.putArray("distinct_experts_per_layer");
        s.distinctExpertsPerLayer().forEach(distinct::add);
        var natural = o.putArray("distinct_natural_experts_per_layer");
        s.distinctNaturalPerLayer().forEach(natural::add);
        var path = o.putArray("distinct_accepted_path_experts_per_layer");
        s.distinctOnPathPerLayer().forEach(path::add);
        out.println(mapper.writeValueAsString(o));
        out.flush();
    }
}
