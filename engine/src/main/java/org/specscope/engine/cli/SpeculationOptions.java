package org.specscope.engine.cli;

import org.specscope.engine.control.Clock;
import org.specscope.engine.control.CostModelClock;
import org.specscope.engine.control.DeviceProfile;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.session.DecodingSetup;
import org.specscope.engine.spec.TreeShape;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The options of speculative commands: drafter, tree shape, Cascade, clock and sampling. */
final class SpeculationOptions {

    @Option(names = {"-d", "--draft"}, paramLabel = "DIR",
            description = "Draft model directory (a small model sharing the target's tokenizer). Default: the bundled "
                    + "sample draft when the target is the bundled sample, else prompt lookup.")
    Path draft;

    @Option(names = "--drafter", paramLabel = "KIND", description = "model or lookup (prompt lookup, no model). "
            + "Default: model when a draft model is available.")
    String drafter;

    @Option(names = "--tree", paramLabel = "DEPTH,TOPK,TOTAL",
            description = "EAGLE-2 dynamic draft tree: depth, children per node, total draft nodes (e.g. 7,10,60).")
    String tree;

    @Option(names = "--chain", paramLabel = "K", description = "A chain of K draft tokens (default 4; 0 = no speculation).")
    Integer chain;

    @Option(names = "--cascade", description = "Let Cascade choose the draft length K (up to the tree depth) each iteration.")
    boolean cascade;

    @Option(names = "--scoring", defaultValue = "uniform", paramLabel = "MODE",
            description = "Expert scores of the budget: uniform (MoE-Spec) or depth (0.7^depth x draft probability).")
    String scoring;

    @Option(names = "--clock", defaultValue = "wall", paramLabel = "CLOCK",
            description = "wall, or a cost model of a device for what-if timings: h100, h200, a100, rtx4090, "
                    + "or bw=<bytes/s>,flops=<flop/s>.")
    String clock;

    TreeShape treeShape() {
        if (tree != null && chain != null) {
            throw new IllegalArgumentException("--tree and --chain exclude each other: pick one shape");
        }
        if (tree != null) {
            String[] parts = tree.split(",");
            if (parts.length != 3) {
                throw new IllegalArgumentException("--tree wants DEPTH,TOPK,TOTAL (e.g. 7,10,60), got '" + tree + "'");
            }
            try {
                return new TreeShape(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                        Integer.parseInt(parts[2].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--tree wants three integers DEPTH,TOPK,TOTAL, got '" + tree + "'");
            }
        }
        int k = chain == null ? 4 : chain;
        if (k < 0) {
            throw new IllegalArgumentException("--chain must be >= 0, got " + k);
        }
        return TreeShape.chain(k);
    }

    ScoreWeighting scoreWeighting() {
        return switch (scoring.toLowerCase(Locale.ROOT)) {
            case "uniform" -> ScoreWeighting.UNIFORM;
            case "depth", "depth-weighted" -> ScoreWeighting.DEPTH_WEIGHTED;
            default -> throw new IllegalArgumentException("--scoring is uniform or depth, got '" + scoring + "'");
        };
    }

    /** A fresh clock for one run (a cost-model clock accumulates). */
    Clock newClock() {
        return clock.equalsIgnoreCase("wall") ? Clock.WALL : new CostModelClock(DeviceProfile.parse(clock));
    }

    /** The draft model: --draft, else the bundled sample's draft when the target is the bundled sample. */
    Optional<Path> draftDirectory(ModelOptions model) {
        if (draft != null) {
            return Optional.of(draft);
        }
        if ("lookup".equalsIgnoreCase(drafter) || model.model != null) {
            return Optional.empty();
        }
        Path target = model.modelDirectory();
        Path sibling = target.resolveSibling(target.getFileName() + "-draft");
        return Files.isRegularFile(sibling.resolve("config.json")) ? Optional.of(sibling) : Optional.empty();
    }

    DecodingSetup.DrafterKind drafterKind(DecodingSetup setup) {
        if (drafter == null) {
            return setup.defaultDrafter();
        }
        return switch (drafter.toLowerCase(Locale.ROOT)) {
            case "model" -> DecodingSetup.DrafterKind.DRAFT_MODEL;
            case "lookup", "prompt-lookup" -> DecodingSetup.DrafterKind.PROMPT_LOOKUP;
            default -> throw new IllegalArgumentException("--drafter is model or lookup, got '" + drafter + "'");
        };
    }

    DecodingSetup openSetup(ModelOptions model) {
        return DecodingSetup.open(model.openBackend(), model.modelDirectory(), draftDirectory(model), model.loadMonitor());
    }
}
