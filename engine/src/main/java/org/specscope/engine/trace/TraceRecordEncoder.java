package org.specscope.engine.trace;

import org.specscope.engine.control.ControllerState;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;
import tools.jackson.core.JsonGenerator;

import java.util.List;
import java.util.Locale;

/**
 * Writes trace records as the JSON objects of a trace file (one object per record; the line
 * framing is {@link JsonLinesTraceWriter}'s). Field names are the records' component names.
 *
 * <p>Hand-written against the streaming generator rather than databind so that the engine's
 * classes stay free of Jackson annotations, the shape is visible in one place, and numbers are
 * written exactly: a float as the shortest decimal that reads back as the same float (never
 * widened to double noise), non-finite values as the strings "NaN", "Infinity", "-Infinity",
 * and a controller's not-yet-measured utility (NaN) as null. {@link TraceRecordDecoder} reads
 * the same shape back.
 */
final class TraceRecordEncoder {

    private TraceRecordEncoder() {
    }

    static void header(JsonGenerator g, RunHeader h) {
        g.writeStartObject();
        g.writeStringProperty("type", "header");
        g.writeNumberProperty("schema", h.schema());
        g.writeStringProperty("model", h.model());
        g.writeStringProperty("architecture", h.architecture());
        g.writeNumberProperty("layers", h.layers());
        g.writeNumberProperty("numExperts", h.numExperts());
        g.writeNumberProperty("topK", h.topK());
        g.writeBooleanProperty("normalizeTopK", h.normalizeTopK());
        g.writeNumberProperty("expertBytes", h.expertBytes());
        g.writeStringProperty("drafter", h.drafter());
        g.writeStringProperty("backend", h.backend());
        g.writeStringProperty("clock", h.clock());
        ints(g, "promptIds", h.promptIds());
        g.writeStringProperty("promptText", h.promptText());
        g.writeName("settings");
        settings(g, h.settings());
        g.writeStringProperty("startedAt", h.startedAt());
        g.writeEndObject();
    }

    static void step(JsonGenerator g, StepTrace s) {
        g.writeStartObject();
        g.writeStringProperty("type", "step");
        g.writeNumberProperty("step", s.step());
        g.writeName("settings");
        settings(g, s.settings());
        g.writeName("tree");
        tree(g, s.tree());
        g.writeArrayPropertyStart("layers");
        for (LayerTrace layer : s.layers()) {
            layer(g, layer);
        }
        g.writeEndArray();
        ints(g, "emittedIds", s.emittedIds());
        g.writeStringProperty("emittedText", s.emittedText());
        g.writeName("timings");
        timings(g, s.timings());
        g.writeName("controller");
        controller(g, s.controller());
        g.writeNumberProperty("expertBytes", s.expertBytes());
        g.writeNumberProperty("weightBytes", s.weightBytes());
        g.writeName("quality");
        if (s.quality() == null) {
            g.writeNull();
        } else {
            VerificationQuality q = s.quality();
            g.writeStartObject();
            g.writeNumberProperty("nodes", q.nodes());
            g.writeNumberProperty("top1Agreements", q.top1Agreements());
            number(g, "klSum", q.klSum());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static void end(JsonGenerator g, RunEnd e) {
        g.writeStartObject();
        g.writeStringProperty("type", "end");
        g.writeStringProperty("stopReason", e.stopReason());
        g.writeNumberProperty("steps", e.steps());
        ints(g, "generatedIds", e.generatedIds());
        g.writeStringProperty("text", e.text());
        g.writeNumberProperty("elapsedNanos", e.elapsedNanos());
        g.writeEndObject();
    }

    private static void settings(JsonGenerator g, Settings s) {
        g.writeStartObject();
        g.writeName("budget");
        budget(g, s.budget());
        g.writeStringProperty("scoring", lowercase(s.scoring()));
        g.writeName("tree");
        treeShape(g, s.tree());
        g.writeBooleanProperty("cascade", s.cascade());
        g.writeName("sampling");
        sampling(g, s.sampling());
        g.writeEndObject();
    }

    private static void budget(JsonGenerator g, ExpertBudget b) {
        g.writeStartObject();
        g.writeName("selection");
        g.writeStartObject();
        switch (b.selection()) {
            case SelectionPolicy.Unlimited u -> g.writeStringProperty("policy", "unbudgeted");
            case SelectionPolicy.FixedCount f -> {
                g.writeStringProperty("policy", "fixed");
                g.writeNumberProperty("experts", f.experts());
            }
            case SelectionPolicy.Coverage c -> {
                g.writeStringProperty("policy", "coverage");
                number(g, "tau", c.tau());
            }
        }
        g.writeEndObject();
        g.writeStringProperty("coverage", lowercase(b.coverage()));
        g.writeEndObject();
    }

    private static void treeShape(JsonGenerator g, TreeShape t) {
        g.writeStartObject();
        g.writeNumberProperty("depth", t.depth());
        g.writeNumberProperty("topK", t.topK());
        g.writeNumberProperty("totalNodes", t.totalNodes());
        g.writeEndObject();
    }

    private static void sampling(JsonGenerator g, SamplingParams p) {
        g.writeStartObject();
        number(g, "temperature", p.temperature());
        g.writeNumberProperty("topK", p.topK());
        number(g, "topP", p.topP());
        g.writeNumberProperty("seed", p.seed());
        g.writeEndObject();
    }

    private static void tree(JsonGenerator g, TreeTrace t) {
        g.writeStartObject();
        ints(g, "tokens", t.tokens());
        strings(g, "texts", t.texts());
        ints(g, "parents", t.parents());
        floats(g, "draftProbs", t.draftProbs());
        floats(g, "targetProbs", t.targetProbs());
        ints(g, "targetTop", t.targetTop());
        ints(g, "acceptedPath", t.acceptedPath());
        g.writeNumberProperty("bonusToken", t.bonusToken());
        g.writeStringProperty("bonusText", t.bonusText());
        g.writeEndObject();
    }

    private static void layer(JsonGenerator g, LayerTrace l) {
        g.writeStartObject();
        g.writeNumberProperty("layer", l.layer());
        g.writeNumberProperty("numExperts", l.numExperts());
        g.writeNumberProperty("topK", l.topK());
        ints(g, "naturalIds", l.naturalIds());
        floats(g, "naturalWeights", l.naturalWeights());
        ints(g, "usedIds", l.usedIds());
        floats(g, "usedWeights", l.usedWeights());
        floats(g, "mass", l.mass());
        floats(g, "scores", l.scores());
        ints(g, "kept", l.kept());
        g.writeBooleanProperty("budgeted", l.budgeted());
        g.writeNumberProperty("expertBytes", l.expertBytes());
        g.writeEndObject();
    }

    private static void timings(JsonGenerator g, StepTimings t) {
        g.writeStartObject();
        g.writeNumberProperty("startNanos", t.startNanos());
        g.writeNumberProperty("draftNanos", t.draftNanos());
        g.writeNumberProperty("verifyNanos", t.verifyNanos());
        g.writeNumberProperty("acceptNanos", t.acceptNanos());
        g.writeEndObject();
    }

    private static void controller(JsonGenerator g, ControllerState c) {
        g.writeStartObject();
        g.writeNumberProperty("k", c.k());
        g.writeStringProperty("phase", lowercase(c.phase()));
        if (Double.isNaN(c.utility())) {
            // Not measured yet: null reads better than a "NaN" string in every JSON tool.
            g.writeNullProperty("utility");
        } else {
            number(g, "utility", c.utility());
        }
        g.writeNumberProperty("setLength", c.setLength());
        g.writeNumberProperty("baseNanos", c.baseNanos());
        g.writeEndObject();
    }

    private static void ints(JsonGenerator g, String name, IntSeq values) {
        g.writeArrayPropertyStart(name);
        for (int i = 0; i < values.size(); i++) {
            g.writeNumber(values.get(i));
        }
        g.writeEndArray();
    }

    private static void floats(JsonGenerator g, String name, FloatSeq values) {
        g.writeArrayPropertyStart(name);
        for (int i = 0; i < values.size(); i++) {
            float v = values.get(i);
            if (Float.isFinite(v)) {
                g.writeNumber(v); // Float.toString: the shortest decimal that parses back to v
            } else {
                g.writeString(nonFinite(v));
            }
        }
        g.writeEndArray();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) {
        g.writeArrayPropertyStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String name, double v) {
        if (Double.isFinite(v)) {
            g.writeNumberProperty(name, v);
        } else {
            g.writeStringProperty(name, nonFinite(v));
        }
    }

    /** JSON has no NaN or infinities: the names Java (and JavaScript, and Python) parse them from. */
    static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    static String lowercase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
