package org.specscope.engine.cli;

import jdk.incubator.vector.FloatVector;
import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.bench.BandwidthMeasurement;
import org.specscope.engine.bench.BatchRouting;
import org.specscope.engine.bench.BenchExtras;
import org.specscope.engine.bench.DeviceMeasurement;
import org.specscope.engine.bench.NominalBandwidth;
import org.specscope.engine.bench.TargetLines;
import org.specscope.engine.bench.TreeCase;
import org.specscope.engine.bench.TreeMeasurement;
import org.specscope.engine.bench.TreeVariant;
import org.specscope.engine.bench.BenchPlan;
import org.specscope.engine.bench.BenchReport;
import org.specscope.engine.bench.Benchmark;
import org.specscope.engine.bench.ComputeMeasurement;
import org.specscope.engine.bench.ComputePeak;
import org.specscope.engine.bench.DecodeMeasurement;
import org.specscope.engine.bench.LastLevelCache;
import org.specscope.engine.bench.MemoryBandwidth;
import org.specscope.engine.bench.PassBenchmark;
import org.specscope.engine.bench.PassMeasurement;
import org.specscope.engine.bench.ResidentMemory;
import org.specscope.engine.bench.Roofline;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.spec.DraftTree;
import org.specscope.engine.spec.ModelDrafter;
import org.specscope.engine.spec.PassCostModel;
import org.specscope.engine.spec.TreeShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code bench}: decode and verification speed against the machine's memory bandwidth and compute
 * peak, measured in one run: what a memory-bound MoE model should reach, whether batching
 * verification reads each expert once, and how close each pass comes to its roofline.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
                "Measure decode tokens/s at batch 1, the time of T-token verification passes, and the machine's "
                        + "memory read bandwidth and peak FP32 FMA throughput in the same run; print the bytes of "
                        + "weights read per token or pass, the GB/s achieved and its ratio to the measured bandwidth, "
                        + "and the roofline: the least time the bytes and flops allow at the measured peaks, and "
                        + "the fraction of it achieved.",
                "",
                "Verification passes run twice per size: 'natural' verifies the text's next T tokens as a causal "
                        + "chain; 'same experts' verifies one token T times as siblings of the context, so every "
                        + "copy routes to the same experts. Every pass runs after the same cached context, which "
                        + "is restored after each.",
                "",
                "After a warm-up, each of --repeats rounds runs --tokens decode steps, every pass size with both "
                        + "routings, one bandwidth read and one compute-peak read, so that load from elsewhere weighs "
                        + "on all alike. "
                        + "Resident memory is read after the warm-up, before the bandwidth buffer is allocated.",
                "",
                "On a GPU (--backend cuda) the device's own read bandwidth (a read kernel over a 2 GiB device "
                        + "buffer) and FP32 FMA peak are read in every round too; ratios and rooflines are then "
                        + "the device's, and decode is also compared with the device's nominal bandwidth.",
                "",
                "--tree 64 adds the tree row: one draft tree, drafted greedily by the target itself, verified "
                        + "unbudgeted and at a fixed budget of B = N/2 experts (substitution) in every round, "
                        + "alternating which goes first; the ratio of their median times is the MoE-Spec target. "
                        + "--tree-tokens text fills the drafted shape with the bench text's tokens instead (for "
                        + "random-weight checkpoints, whose drafts repeat a few tokens)."
        })
final class BenchCommand implements Callable<Integer> {

    /** Genesis 1:1-5 (King James Version): text the bundled sample model knows, for natural routing. */
    static final String DEFAULT_TEXT = "In the beginning God created the heaven and the earth. And the earth was "
            + "without form, and void; and darkness was upon the face of the deep. And the Spirit of God moved upon "
            + "the face of the waters. And God said, Let there be light: and there was light. And God saw the light, "
            + "that it was good: and God divided the light from the darkness. And God called the light Day, and the "
            + "darkness he called Night. And the evening and the morning were the first day.";

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-n", "--tokens"}, defaultValue = "32", paramLabel = "N",
            description = "Decode steps per round, timed at batch 1 (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batch", split = ",", defaultValue = "1,4,16,64", paramLabel = "T,...",
            description = "Verification pass sizes in tokens (default: ${DEFAULT-VALUE}); 1 is always measured, "
                    + "as the baseline.")
    List<Integer> batches;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "R",
            description = "Timed rounds (default: ${DEFAULT-VALUE}); reported: the median round of decode, the "
                    + "median of each pass, the best and the median bandwidth and compute-peak reads.")
    int repeats;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N",
            description = "Untimed decode steps before the rounds (default: ${DEFAULT-VALUE}); every pass also "
                    + "runs once untimed.")
    int warmup;

    @Option(names = "--context", defaultValue = "32", paramLabel = "N",
            description = "Tokens of context every pass runs after (default: ${DEFAULT-VALUE}).")
    int contextTokens;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT",
            description = "Text whose tokens form the context and the natural verification chains, repeated as "
                    + "needed (default: Genesis 1:1-5).")
    String prompt;

    @Option(names = "--bandwidth-bytes", paramLabel = "BYTES",
            description = "Size of the bandwidth buffer (default: 1 GiB, or 8 last-level caches if more).")
    Long bandwidthBytes;

    @Option(names = "--tree", defaultValue = "0", paramLabel = "NODES",
            description = "Add the tree row: a draft tree of NODES nodes, the root included (e.g. 64), drafted "
                    + "greedily by the target itself, verified unbudgeted and at a fixed expert budget in every "
                    + "round (default: ${DEFAULT-VALUE}, no tree row).")
    int treeNodes;

    @Option(names = "--tree-depth", defaultValue = "6", paramLabel = "D",
            description = "Depth of the tree row's tree (default: ${DEFAULT-VALUE}).")
    int treeDepth;

    @Option(names = "--tree-top-k", defaultValue = "8", paramLabel = "K",
            description = "Children proposed per expanded node of the tree row's tree (default: ${DEFAULT-VALUE}).")
    int treeTopK;

    /** Where the tree row's draft nodes come from. */
    enum TreeTokens { drafted, text }

    @Option(names = "--tree-tokens", defaultValue = "drafted", paramLabel = "FROM",
            description = "The tree row's draft tokens: drafted (by the target itself) or text (the bench text's "
                    + "next tokens in the drafted tree's shape: for synthetic checkpoints, whose random weights "
                    + "draft the same few tokens everywhere; default: ${DEFAULT-VALUE}).")
    TreeTokens treeTokens;

    @Option(names = "--tree-budget", paramLabel = "B",
            description = "Experts kept per MoE layer in the tree row's budgeted pass, missing experts substituted "
                    + "(default: N/2, half the routed experts).")
    Integer treeBudget;

    @Option(names = "--device-bandwidth-bytes", paramLabel = "BYTES",
            description = "Size of the device's bandwidth buffer on a GPU (default: 2 GiB, or a quarter of the free "
                    + "device memory if less).")
    Long deviceBandwidthBytes;

    @Option(names = "--kernel-profile", description = "Then time every kernel launch of --tokens decode steps (and, "
            + "with --tree, of the tree's two verifications) on the device, one launch at a time, and print each "
            + "kernel's launches and time per pass beside the measured pass time (CUDA only; no graph while profiling).")
    boolean kernelProfile;

    @Option(names = "--json", description = "Print one JSON object (decode, verification, bandwidth, compute peak, "
            + "memory, targets) instead of text.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        if (contextTokens < 1) {
            throw new IllegalArgumentException("--context must be at least 1 token, got " + contextTokens);
        }
        OptionalLong lastLevelCache = LastLevelCache.bytes(LastLevelCache.SYSFS);
        BenchPlan plan = new BenchPlan(tokens, warmup, batches, repeats,
                bandwidthBytes != null ? bandwidthBytes : MemoryBandwidth.defaultBytes(lastLevelCache),
                modelOptions.threadCount());
        LoadMonitor loading = modelOptions.loadMonitor();
        try (Model model = Model.open(modelOptions.modelDirectory(), loading);
             Backend backend = modelOptions.openBackend();
             ModelRunner runner = backend.load(model, loading)) {
            int positions = model.config().maxPositionEmbeddings();
            if ((long) contextTokens + plan.slotsNeeded() > positions) {
                throw new IllegalArgumentException("a " + contextTokens + "-token context plus " + plan.slotsNeeded()
                        + " tokens of decode or verification exceed the model's " + positions + "-token context");
            }
            if (treeNodes > 0 && (long) contextTokens + 1 + treeNodes > positions) {
                throw new IllegalArgumentException("a " + contextTokens + "-token context plus a " + treeNodes
                        + "-node tree exceed the model's " + positions + "-token context");
            }
            int[] text = model.tokenizer().encode(prompt != null ? prompt : DEFAULT_TEXT);
            KvCache cache = runner.newKvCache(contextTokens + Math.max(plan.slotsNeeded(), treeNodes));
            PassBenchmark passes = PassBenchmark.afterContext(runner, PassCostModel.of(model), cache, text,
                    contextTokens);
            BenchExtras extras = new BenchExtras(backend.devicePeaks(),
                    deviceBandwidthBytes != null ? OptionalLong.of(deviceBandwidthBytes) : OptionalLong.empty(),
                    treeNodes > 0 ? Optional.of(treeCase(model, runner, passes)) : Optional.empty());
            BenchReport report = Benchmark.run(passes, plan, model.weights().byteSize(), extras, line -> {
                progress.println("bench: " + line);
                progress.flush();
            });
            Optional<List<KernelProfiles.Profiled>> profiles = kernelProfile
                    ? KernelProfiles.run(backend, passes, report, extras.tree(), tokens) : Optional.empty();
            if (json) {
                printJson(out, model, backend, report, lastLevelCache, profiles);
            } else {
                printReport(out, model, backend, report, lastLevelCache);
                if (kernelProfile) {
                    KernelProfiles.print(out, profiles, backend.name());
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** The tree row's case: the target drafts a tree for itself after the context; B = N/2 unless given. */
    private TreeCase treeCase(Model model, ModelRunner runner, PassBenchmark passes) {
        int experts = model.config().moe().map(m -> m.numExperts()).orElseThrow(() ->
                new IllegalArgumentException("--tree compares expert budgets: " + model.directory().getFileName()
                        + " has no MoE layers"));
        if (treeNodes < 2) {
            throw new IllegalArgumentException("--tree needs at least 2 nodes (the root and a draft), got " + treeNodes);
        }
        TreeShape shape = new TreeShape(Math.min(treeDepth, treeNodes - 1), treeTopK, treeNodes - 1);
        ModelDrafter self = new ModelDrafter(model, runner, model.config().vocabSize(),
                ModelDrafter.cacheCapacity(contextTokens + 1, shape));
        DraftTree tree = passes.draftTree(self, shape);
        if (tree.size() != treeNodes) {
            throw new IllegalStateException("drafted a " + tree.size() + "-node tree, asked for " + treeNodes);
        }
        String made = "grown as " + shape.describe() + " by the target itself";
        if (treeTokens == TreeTokens.text) {
            tree = passes.withTextTokens(tree);
            made = "shaped as the target's " + shape.describe() + ", its draft nodes the bench text's next "
                    + (treeNodes - 1) + " tokens";
        }
        int budget = treeBudget != null ? treeBudget : Math.max(1, experts / 2);
        return new TreeCase(tree, made, ExpertBudget.fixed(budget, CoveragePolicy.SUBSTITUTE), experts);
    }

    private void printReport(PrintWriter o, Model model, Backend backend, BenchReport r, OptionalLong llc) {
        o.printf(Locale.ROOT, "bench %s (%s), %s%n", model.directory().getFileName(),
                model.config().architecture().className(), backend.description());
        o.printf(Locale.ROOT, "  weights %s mapped (%s); context %d tokens; %d interleaved rounds after a warm-up "
                        + "of %d decode steps and every pass once%n", InfoCommand.bytes(r.weightBytes()),
                model.weights().dtype(), contextTokens, repeats, warmup);

        DecodeMeasurement d = r.decode();
        o.printf(Locale.ROOT, "decode at batch 1 (greedy; median of %d rounds of %d steps)%n", d.rounds(), d.tokens());
        o.printf(Locale.ROOT, "  %.1f tokens/s (%.1f ms/token); %.1f MB of weights read per token%s%n",
                d.tokensPerSecond(), d.millisPerToken(), d.weightBytesPerToken() / 1e6,
                d.meanDistinctExperts() > 0
                        ? String.format(Locale.ROOT, " (%.1f experts per MoE layer)", d.meanDistinctExperts()) : "");
        o.printf(Locale.ROOT, "  %.2f GB/s achieved = %.2f of the measured %sbandwidth%s%n", d.gbPerSecond(),
                r.decodeBandwidthRatio(), r.device().isPresent() ? "device " : "",
                r.decodeNominalRatio().isPresent()
                        ? String.format(Locale.ROOT, ", %.2f of the nominal %.0f GB/s", r.decodeNominalRatio().getAsDouble(),
                        r.device().orElseThrow().nominalGbPerSecond().getAsDouble()) : "");
        Roofline dr = r.decodeRoofline();
        o.printf(Locale.ROOT, "  roofline %.2f ms/token (%s-bound); achieved %.2f of roofline%n",
                dr.millis() / d.tokens(), dr.bound().label(), r.decodeRooflineFraction());

        o.printf(Locale.ROOT, "verification passes (median of %d; logits for every token; each weight read once "
                + "per pass)%n", repeats);
        o.printf(Locale.ROOT, "  %-13s %6s %9s %9s %8s %9s %8s %7s %8s  %11s %11s  %s%n", "routing", "tokens",
                "ms/pass", "x 1-token", "experts", "MB/pass", "GB/s", "of bw", "GFLOP/s", "roofline ms", "of roofline",
                "bound");
        for (BatchRouting routing : BatchRouting.values()) {
            for (PassMeasurement p : r.passes()) {
                if (p.routing() == routing) {
                    Roofline roof = r.roofline(p);
                    o.printf(Locale.ROOT, "  %-13s %6d %9.2f %9s %8s %9.1f %8.2f %7.2f %8.2f  %11.2f %11.2f  %s%n",
                            routing.label(), p.tokens(), p.medianMillis(), ratio(r.ratioToOneToken(p)),
                            p.meanDistinctExperts() > 0 ? String.format(Locale.ROOT, "%.1f", p.meanDistinctExperts()) : "-",
                            p.weightBytes() / 1e6, p.gbPerSecond(), r.bandwidthRatio(p), p.gflopsPerSecond(),
                            roof.millis(), r.rooflineFraction(p), roof.bound().label());
                }
            }
        }
        o.println("  (experts: distinct experts run per MoE layer; of bw: GB/s over the measured bandwidth; roofline: "
                + "the least time the pass's bytes and flops allow at the best measured bandwidth and compute peak, "
                + "bound by the slower of the two; of roofline: roofline ms over ms/pass)");

        r.tree().ifPresent(t -> printTree(o, t));

        r.device().ifPresent(dev -> printDevice(o, dev, r));

        BandwidthMeasurement b = r.bandwidth();
        o.printf(Locale.ROOT, "%smemory bandwidth (STREAM-like read of %s off-heap%s, %d threads, %d reads)%n",
                r.device().isPresent() ? "host " : "", InfoCommand.bytes(b.bufferBytes()), llc.isPresent()
                        ? String.format(Locale.ROOT, ", %.0fx the %s last-level cache",
                        (double) b.bufferBytes() / llc.getAsLong(), InfoCommand.bytes(llc.getAsLong()))
                        : ", last-level cache size unknown", b.threads(), b.repeats());
        o.printf(Locale.ROOT, "  best %.2f GB/s, median %.2f GB/s%s%n", b.bestGbPerSecond(),
                b.medianGbPerSecond(), r.device().isPresent() ? " (for comparison: ratios are to the device's)"
                        : " (ratios are to the best)");

        ComputeMeasurement c = r.compute();
        o.printf(Locale.ROOT, "%scompute peak (FP32 FMA: %d independent chains in registers per thread, %d-bit vectors, "
                + "%d threads, %d reads)%n", r.device().isPresent() ? "host " : "", ComputePeak.ACCUMULATORS, c.vectorBits(), c.threads(), c.repeats());
        if (r.device().isPresent()) {
            o.printf(Locale.ROOT, "  best %.1f GFLOP/s, median %.1f GFLOP/s (for comparison: rooflines use the "
                    + "device's)%n", c.bestGflopsPerSecond(), c.medianGflopsPerSecond());
        } else {
            o.printf(Locale.ROOT, "  best %.1f GFLOP/s, median %.1f GFLOP/s (rooflines use the best); machine balance "
                            + "%.1f flop/byte: work above it is compute-bound%n", c.bestGflopsPerSecond(),
                    c.medianGflopsPerSecond(), r.machineBalance());
        }

        o.println("resident memory (after the warm-up, before the bandwidth buffer)");
        if (r.memory().isPresent()) {
            ResidentMemory m = r.memory().get();
            o.printf(Locale.ROOT, "  peak %s = %.2fx the %s of weights; now %s: mapped files %s (the weights "
                            + "touched), anonymous %s (the Java heap and runtime; heap committed %s)%n",
                    InfoCommand.bytes(m.peakBytes()), r.peakResidentRatio().orElseThrow(),
                    InfoCommand.bytes(r.weightBytes()), InfoCommand.bytes(m.currentBytes()),
                    InfoCommand.bytes(m.fileBytes()), InfoCommand.bytes(m.anonBytes()), InfoCommand.bytes(r.heapBytes()));
        } else {
            o.println("  unavailable (no /proc/self/status on this system)");
        }

        o.println("targets (ratios measured in this run):");
        o.println("  " + TargetLines.decode(r));
        OptionalDouble verification = r.verificationTargetRatio();
        if (verification.isPresent()) {
            o.printf(Locale.ROOT, "  verification %d tokens / 1 token (same experts): %.2fx (target <= 3x) %s%n",
                    BenchReport.TARGET_BATCH, verification.getAsDouble(), verification.getAsDouble() <= 3 ? "OK" : "MISSED");
            double floor = r.verificationRooflineFloor().orElseThrow();
            o.printf(Locale.ROOT, "    roofline floor of that ratio on this machine: %.2fx (both passes at their "
                    + "rooflines)%s%n", floor, floor > 3 ? "; the target is out of reach here" : "");
            PassMeasurement sixteen = r.pass(BenchReport.TARGET_BATCH, BatchRouting.SAME_EXPERTS).orElseThrow();
            PassMeasurement one = r.pass(1, BatchRouting.SAME_EXPERTS).orElseThrow();
            o.printf(Locale.ROOT, "      %d tokens: %s%n", sixteen.tokens(), why(r, sixteen));
            o.printf(Locale.ROOT, "      1 token: %s%n", why(r, one));
        } else {
            o.printf(Locale.ROOT, "  verification %d tokens / 1 token (same experts): not measured (add %d to --batch)%n",
                    BenchReport.TARGET_BATCH, BenchReport.TARGET_BATCH);
        }
        r.tree().ifPresent(t -> o.println("  " + TargetLines.tree(t)));
        OptionalDouble rss = r.peakResidentRatio();
        o.printf(Locale.ROOT, "  peak resident memory / weights: %s (target: close to 1x, no copies)%n",
                rss.isPresent() ? String.format(Locale.ROOT, "%.2fx", rss.getAsDouble()) : "unavailable");
        o.flush();
    }

    private static void printTree(PrintWriter o, TreeMeasurement t) {
        o.printf(Locale.ROOT, "tree verification (one %d-node draft tree, depth %d, %s; "
                + "median of %d interleaved rounds; N = %d experts)%n", t.nodes(), t.depth(), t.shape(), t.unbudgeted().repeats(),
                t.numExperts());
        o.printf(Locale.ROOT, "  %-18s %9s %9s %11s %8s %8s%n", "budget", "ms/pass", "MB/pass", "expert MB", "experts",
                "GB/s");
        for (TreeVariant v : List.of(t.unbudgeted(), t.budgeted())) {
            o.printf(Locale.ROOT, "  %-18s %9.2f %9.1f %11.1f %8.1f %8.2f%n", v.label(), v.medianMillis(),
                    v.weightBytes() / 1e6, v.expertBytes() / 1e6, v.meanDistinctExperts(), v.gbPerSecond());
        }
        o.printf(Locale.ROOT, "  budgeted / unbudgeted: time %.2fx, expert bytes %.2fx, weight bytes %.2fx%n",
                t.timeRatio(), t.expertBytesRatio(), t.weightBytesRatio());
    }

    private static void printDevice(PrintWriter o, DeviceMeasurement dev, BenchReport r) {
        o.printf(Locale.ROOT, "device memory bandwidth (%s; %s, %d reads)%n", dev.deviceName(),
                dev.bandwidth().description(), dev.bandwidth().repeats());
        o.printf(Locale.ROOT, "  best %.1f GB/s, median %.1f GB/s (ratios are to the best); nominal %s%s%n",
                dev.bandwidth().best(), dev.bandwidth().median(), NominalBandwidth.describe(dev.deviceName()),
                dev.nominalGbPerSecond().isPresent() ? String.format(Locale.ROOT, " (measured = %.2f of it)",
                        dev.bandwidth().best() / dev.nominalGbPerSecond().getAsDouble()) : "");
        o.printf(Locale.ROOT, "device compute peak (%s, %d reads)%n", dev.compute().description(), dev.compute().repeats());
        o.printf(Locale.ROOT, "  best %.1f GFLOP/s, median %.1f GFLOP/s (rooflines use the best); machine balance "
                + "%.1f flop/byte%n", dev.compute().best(), dev.compute().median(), r.machineBalance());
    }

    /** Why a pass's roofline is what it is: the bound that sets it, then the other. */
    private static String why(BenchReport r, PassMeasurement p) {
        Roofline roof = r.roofline(p);
        String compute = String.format(Locale.ROOT, "%s take %.1f ms at the %.0f GFLOP/s peak",
                p.flops() >= 1e9 ? String.format(Locale.ROOT, "%.2f GFLOP", p.flops() / 1e9)
                        : String.format(Locale.ROOT, "%.1f MFLOP", p.flops() / 1e6),
                roof.computeNanos() / 1e6, r.referenceGflopsPerSecond());
        String memory = String.format(Locale.ROOT, "reading %.1f MB takes %.1f ms at %.1f GB/s", p.weightBytes() / 1e6,
                roof.memoryNanos() / 1e6, r.referenceGbPerSecond());
        return roof.bound() == Roofline.Bound.COMPUTE
                ? "compute-bound, " + compute + "; " + memory
                : "memory-bound, " + memory + "; " + compute;
    }

    private static String ratio(OptionalDouble ratio) {
        return ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "-";
    }

    private void printJson(PrintWriter out, Model model, Backend backend, BenchReport r, OptionalLong llc,
                           Optional<List<KernelProfiles.Profiled>> profiles) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode o = mapper.createObjectNode();
        o.put("model", model.directory().toString());
        o.put("architecture", model.config().architecture().className());
        o.put("backend", backend.description());
        o.put("threads", modelOptions.threadCount());
        o.put("vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        o.put("weight_bytes", r.weightBytes());
        o.put("context_tokens", contextTokens);
        o.put("warmup", warmup);
        o.put("repeats", repeats);

        DecodeMeasurement d = r.decode();
        ObjectNode decode = o.putObject("decode");
        decode.put("tokens", d.tokens());
        decode.put("rounds", d.rounds());
        decode.put("tokens_per_s", d.tokensPerSecond());
        decode.put("ms_per_token", d.millisPerToken());
        decode.put("weight_bytes_per_token", d.weightBytesPerToken());
        decode.put("gb_per_s", d.gbPerSecond());
        decode.put("bandwidth_ratio", r.decodeBandwidthRatio());
        decode.put("distinct_experts_per_layer", d.meanDistinctExperts());
        decode.put("roofline_ms_per_token", r.decodeRoofline().millis() / d.tokens());
        decode.put("roofline_fraction", r.decodeRooflineFraction());
        decode.put("bound", r.decodeRoofline().bound().label());

        var verification = o.putArray("verification");
        for (PassMeasurement p : r.passes()) {
            ObjectNode v = verification.addObject();
            v.put("routing", p.routing().name().toLowerCase(Locale.ROOT));
            v.put("tokens", p.tokens());
            v.put("median_ms", p.medianMillis());
            v.put("best_ms", p.bestNanos() / 1e6);
            putOptional(v, "ratio_to_one_token", r.ratioToOneToken(p));
            v.put("weight_bytes_per_pass", p.weightBytes());
            v.put("gb_per_s", p.gbPerSecond());
            v.put("bandwidth_ratio", r.bandwidthRatio(p));
            v.put("gflops_per_s", p.gflopsPerSecond());
            v.put("distinct_experts_per_layer", p.meanDistinctExperts());
            v.put("roofline_ms", r.roofline(p).millis());
            v.put("roofline_fraction", r.rooflineFraction(p));
            v.put("bound", r.roofline(p).bound().label());
        }

        BandwidthMeasurement b = r.bandwidth();
        ObjectNode bandwidth = o.putObject("bandwidth");
        bandwidth.put("buffer_bytes", b.bufferBytes());
        bandwidth.put("threads", b.threads());
        bandwidth.put("repeats", b.repeats());
        bandwidth.put("best_gb_per_s", b.bestGbPerSecond());
        bandwidth.put("median_gb_per_s", b.medianGbPerSecond());
        if (llc.isPresent()) {
            bandwidth.put("last_level_cache_bytes", llc.getAsLong());
        } else {
            bandwidth.putNull("last_level_cache_bytes");
        }

        ComputeMeasurement c = r.compute();
        ObjectNode compute = o.putObject("compute_peak");
        compute.put("threads", c.threads());
        compute.put("vector_bits", c.vectorBits());
        compute.put("accumulators", ComputePeak.ACCUMULATORS);
        compute.put("repeats", c.repeats());
        compute.put("best_gflops_per_s", c.bestGflopsPerSecond());
        compute.put("median_gflops_per_s", c.medianGflopsPerSecond());
        compute.put("machine_balance_flops_per_byte", r.machineBalance());

        if (r.memory().isPresent()) {
            ResidentMemory m = r.memory().get();
            ObjectNode memory = o.putObject("memory");
            memory.put("peak_rss_bytes", m.peakBytes());
            memory.put("rss_bytes", m.currentBytes());
            memory.put("rss_file_bytes", m.fileBytes());
            memory.put("rss_anon_bytes", m.anonBytes());
            memory.put("java_heap_bytes", r.heapBytes());
        } else {
            o.putNull("memory");
        }

        if (r.device().isPresent()) {
            DeviceMeasurement dev = r.device().get();
            ObjectNode device = o.putObject("device");
            device.put("name", dev.deviceName());
            device.put("bandwidth_bytes", dev.bandwidthBytes());
            device.put("bandwidth_reads", dev.bandwidth().repeats());
            device.put("best_gb_per_s", dev.bandwidth().best());
            device.put("median_gb_per_s", dev.bandwidth().median());
            putOptional(device, "nominal_gb_per_s", dev.nominalGbPerSecond());
            device.put("best_gflops_per_s", dev.compute().best());
            device.put("median_gflops_per_s", dev.compute().median());
        } else {
            o.putNull("device");
        }
        if (r.tree().isPresent()) {
            TreeMeasurement t = r.tree().get();
            ObjectNode tree = o.putObject("tree");
            tree.put("nodes", t.nodes());
            tree.put("depth", t.depth());
            tree.put("shape", t.shape());
            tree.put("experts", t.numExperts());
            tree.put("repeats", t.unbudgeted().repeats());
            for (TreeVariant v : List.of(t.unbudgeted(), t.budgeted())) {
                ObjectNode n = tree.putObject(v == t.unbudgeted() ? "unbudgeted" : "budgeted");
                n.put("budget", v.label());
                n.put("median_ms", v.medianMillis());
                n.put("best_ms", v.bestNanos() / 1e6);
                n.put("weight_bytes_per_pass", v.weightBytes());
                n.put("expert_bytes_per_pass", v.expertBytes());
                n.put("distinct_experts_per_layer", v.meanDistinctExperts());
                n.put("gb_per_s", v.gbPerSecond());
            }
            tree.put("time_ratio", t.timeRatio());
            tree.put("expert_bytes_ratio", t.expertBytesRatio());
        } else {
            o.putNull("tree");
        }

        ObjectNode targets = o.putObject("targets");
        targets.put("decode_bandwidth_ratio", r.decodeBandwidthRatio());
        putOptional(targets, "decode_nominal_bandwidth_ratio", r.decodeNominalRatio());
        targets.put("decode_target", r.decodeTarget());
        targets.put("decode_met", r.decodeTargetRatio() >= r.decodeTarget());
        if (r.tree().isPresent()) {
            targets.put("tree_budgeted_over_unbudgeted", r.tree().get().timeRatio());
            targets.put("tree_target", TreeMeasurement.TARGET_RATIO);
            targets.put("tree_met", r.tree().get().meetsTarget());
        } else {
            targets.putNull("tree_budgeted_over_unbudgeted");
        }
        putOptional(targets, "verification_16_over_1", r.verificationTargetRatio());
        putOptional(targets, "verification_16_over_1_roofline_floor", r.verificationRooflineFloor());
        putOptional(targets, "peak_rss_over_weights", r.peakResidentRatio());
        KernelProfiles.json(o, profiles);
        out.println(mapper.writeValueAsString(o));
        out.flush();
    }

    private static void putOptional(ObjectNode o, String field, OptionalDouble value) {
        if (value.isPresent()) {
            o.put(field, value.getAsDouble());
        } else {
            o.putNull(field);
        }
    }
}
