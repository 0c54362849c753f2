package org.specscope.engine.cli;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.FallbackBackend;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.model.MoeConfig;
import org.specscope.engine.model.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code info}: architecture, sizes, experts, dtypes and memory of a model. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model: architecture, sizes, experts, dtypes, memory.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.open(modelOptions.modelDirectory());
             Backend backend = modelOptions.openBackend()) {
            ModelConfig c = model.config();
            ModelWeights w = model.weights();
            row(out, "model", model.directory().toString());
            row(out, "architecture", c.architecture().className());
            int topK = c.moe().map(MoeConfig::expertsPerToken).orElse(0);
            row(out, "parameters", c.isMoe()
                    ? count(w.parameterCount()) + " total, " + count(w.activeParameterCount(topK)) + " active per token"
                    : count(w.parameterCount()));
            row(out, "layers", String.valueOf(c.numLayers()));
            row(out, "hidden size", String.valueOf(c.hiddenSize()));
            row(out, "attention", String.format(Locale.ROOT, "%d query heads, %d key/value heads, head_dim %d%s%s",
                    c.numHeads(), c.numKvHeads(), c.headDim(), c.qkvBias() ? ", qkv bias" : "",
                    switch (c.qkNorm()) {
                        case NONE -> "";
                        case PER_HEAD -> ", q/k RMSNorm per head";
                        case WHOLE_PROJECTION -> ", q/k RMSNorm over the projection";
                    }));
            row(out, "rope", String.format(Locale.ROOT, "theta %s, %s", c.ropeTheta(), c.ropeScaling().describe()));
            if (c.slidingWindow() > 0) {
                row(out, "sliding window", String.valueOf(c.slidingWindow()));
            }
            row(out, "vocabulary", c.vocabSize() + " (tokenizer: " + model.tokenizer().vocabSize() + " tokens)");
            row(out, "context", String.valueOf(c.maxPositionEmbeddings()));
            row(out, "embeddings", c.tieWordEmbeddings() ? "tied to the output head" : "separate output head");
            if (c.moe().isPresent()) {
                MoeConfig m = c.moe().get();
                int sparse = 0;
                for (int l = 0; l < c.numLayers(); l++) {
                    sparse += c.isSparseLayer(l) ? 1 : 0;
                }
                row(out, "experts", String.format(Locale.ROOT, "%d per MoE layer, top-%d, expert width %d, weights %s",
                        m.numExperts(), m.expertsPerToken(), m.expertIntermediateSize(),
                        m.normalizeTopK() ? "renormalised over the top-k" : "raw softmax probabilities"));
                row(out, "MoE layers", sparse + " of " + c.numLayers()
                        + (m.hasSharedExpert() ? ", plus a shared expert of width " + m.sharedExpertIntermediateSize() : ""));
                long expertBytes = w.moe(firstSparse(c)).map(moe -> moe.experts().getFirst().byteSize()).orElse(0L);
                row(out, "bytes per expert", bytes(expertBytes));
            } else {
                row(out, "MLP", "dense, width " + c.intermediateSize());
            }
            StringBuilder dtypes = new StringBuilder();
            for (Map.Entry<String, Long> e : model.tensors().bytesByDTypeName().entrySet()) {
                dtypes.append(dtypes.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(bytes(e.getValue()));
            }
            row(out, "dtypes", dtypes.toString());
            row(out, "weights", bytes(w.byteSize()) + " mapped from " + bytes(model.tensors().totalBytes())
                    + " of safetensors (zero copy)");
            row(out, "KV cache", bytes(2L * c.numLayers() * c.kvDim() * Float.BYTES) + " per token (float32)");
            row(out, "backend", backend instanceof FallbackBackend auto ? auto.descriptionFor(model) : backend.description());
        }
        out.flush();
        return 0;
    }

    private static int firstSparse(ModelConfig c) {
        for (int l = 0; l < c.numLayers(); l++) {
            if (c.isSparseLayer(l)) {
                return l;
            }
        }
        return 0;
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-17s %s%n", key, value);
    }

    static String count(long n) {
        if (n < 1000) {
            return String.valueOf(n);
        }
        String[] units = {"K", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
