package org.specscope.engine.trace;

import org.specscope.engine.control.ControllerPhase;
import org.specscope.engine.control.ControllerState;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.ScoreWeighting;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON objects {@link TraceRecordEncoder} writes back into trace records. Every field
 * is required (null only where the encoder writes null); each record's own validation runs, and
 * its complaint names the object at fault.
 */
final class TraceRecordDecoder {

    private TraceRecordDecoder() {
    }

    /** The header, its schema checked first so that a newer file is refused by version, not by a field. */
    static RunHeader header(JsonFields f) {
        int schema = f.integer("schema");
        if (schema > RunHeader.SCHEMA) {
            throw f.fail("schema", "trace schema " + schema + " is newer than this SpecScope reads (" + RunHeader.SCHEMA + ")");
        }
        if (schema < 1) {
            throw f.fail("schema", "expected a schema version >= 1, got " + schema);
        }
        return new RunHeader(schema, f.string("model"), f.string("architecture"), f.integer("layers"),
                f.integer("numExperts"), f.integer("topK"), f.bool("normalizeTopK"), f.longInteger("expertBytes"),
                f.string("drafter"), f.string("backend"), f.string("clock"), f.ints("promptIds"), f.string("promptText"),
                settings(f.object("settings")), f.string("startedAt"));
    }

    static StepTrace step(JsonFields f) {
        int step = f.integer("step");
        Settings settings = settings(f.object("settings"));
        TreeTrace tree = tree(f.object("tree"));
        List<LayerTrace> layers = new ArrayList<>();
        for (JsonFields layer : f.objects("layers")) {
            layers.add(layer(layer));
        }
        IntSeq emittedIds = f.ints("emittedIds");
        String emittedText = f.string("emittedText");
        StepTimings timings = timings(f.object("timings"));
        ControllerState controller = controller(f.object("controller"));
        long expertBytes = f.longInteger("expertBytes");
        long weightBytes = f.longInteger("weightBytes");
        JsonFields q = f.objectOrNull("quality");
        VerificationQuality quality = q == null ? null
                : new VerificationQuality(q.integer("nodes"), q.integer("top1Agreements"), q.number("klSum"));
        return f.build(() -> new StepTrace(step, settings, tree, layers, emittedIds, emittedText, timings, controller,
                expertBytes, weightBytes, quality));
    }

    static RunEnd end(JsonFields f) {
        return new RunEnd(f.string("stopReason"), f.integer("steps"), f.ints("generatedIds"), f.string("text"),
                f.longInteger("elapsedNanos"));
    }

    private static Settings settings(JsonFields f) {
        ExpertBudget budget = budget(f.object("budget"));
        ScoreWeighting scoring = f.lowercaseEnum("scoring", ScoreWeighting.class);
        TreeShape tree = treeShape(f.object("tree"));
        boolean cascade = f.bool("cascade");
        SamplingParams sampling = sampling(f.object("sampling"));
        return f.build(() -> new Settings(budget, scoring, tree, cascade, sampling));
    }

    private static ExpertBudget budget(JsonFields f) {
        SelectionPolicy selection = selection(f.object("selection"));
        CoveragePolicy coverage = f.lowercaseEnum("coverage", CoveragePolicy.class);
        return f.build(() -> new ExpertBudget(selection, coverage));
    }

    private static SelectionPolicy selection(JsonFields f) {
        String policy = f.string("policy");
        return switch (policy) {
            case "unbudgeted" -> SelectionPolicy.UNLIMITED;
            case "fixed" -> {
                int experts = f.integer("experts");
                yield f.build(() -> new SelectionPolicy.FixedCount(experts));
            }
            case "coverage" -> {
                double tau = f.number("tau");
                yield f.build(() -> new SelectionPolicy.Coverage(tau));
            }
            default -> throw f.fail(f.path("policy"),
                    "expected one of [unbudgeted, fixed, coverage], got \"" + policy + "\"");
        };
    }

    private static TreeShape treeShape(JsonFields f) {
        int depth = f.integer("depth");
        int topK = f.integer("topK");
        int totalNodes = f.integer("totalNodes");
        return f.build(() -> new TreeShape(depth, topK, totalNodes));
    }

    private static SamplingParams sampling(JsonFields f) {
        double temperature = f.number("temperature");
        int topK = f.integer("topK");
        double topP = f.number("topP");
        long seed = f.longInteger("seed");
        return f.build(() -> new SamplingParams(temperature, topK, topP, seed));
    }

    private static TreeTrace tree(JsonFields f) {
        IntSeq tokens = f.ints("tokens");
        List<String> texts = f.strings("texts");
        IntSeq parents = f.ints("parents");
        FloatSeq draftProbs = f.floats("draftProbs");
        FloatSeq targetProbs = f.floats("targetProbs");
        IntSeq targetTop = f.ints("targetTop");
        IntSeq acceptedPath = f.ints("acceptedPath");
        int bonusToken = f.integer("bonusToken");
        String bonusText = f.string("bonusText");
        return f.build(() -> new TreeTrace(tokens, texts, parents, draftProbs, targetProbs, targetTop, acceptedPath,
                bonusToken, bonusText));
    }

    private static LayerTrace layer(JsonFields f) {
        int layer = f.integer("layer");
        int numExperts = f.integer("numExperts");
        int topK = f.integer("topK");
        IntSeq naturalIds = f.ints("naturalIds");
        FloatSeq naturalWeights = f.floats("naturalWeights");
        IntSeq usedIds = f.ints("usedIds");
        FloatSeq usedWeights = f.floats("usedWeights");
        FloatSeq mass = f.floats("mass");
        FloatSeq scores = f.floats("scores");
        IntSeq kept = f.ints("kept");
        boolean budgeted = f.bool("budgeted");
        long expertBytes = f.longInteger("expertBytes");
        return f.build(() -> new LayerTrace(layer, numExperts, topK, naturalIds, naturalWeights, usedIds, usedWeights,
                mass, scores, kept, budgeted, expertBytes));
    }

    private static StepTimings timings(JsonFields f) {
        return new StepTimings(f.longInteger("startNanos"), f.longInteger("draftNanos"), f.longInteger("verifyNanos"),
                f.longInteger("acceptNanos"));
    }

    private static ControllerState controller(JsonFields f) {
        return new ControllerState(f.integer("k"), f.lowercaseEnum("phase", ControllerPhase.class),
                f.numberOrNaN("utility"), f.integer("setLength"), f.longInteger("baseNanos"));
    }
}
