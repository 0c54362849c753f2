package org.specscope.engine.cli;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.generate.GenerationResult;
import org.specscope.engine.generate.Generator;
import org.specscope.engine.generate.SamplingParams;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.tokenizer.TokenStreamDecoder;
import org.specscope.engine.model.tokenizer.Tokenizer;
import org.specscope.engine.moe.MoeProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code generate}: continues a prompt, streaming text, or printing one JSON object with --json. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a continuation of a prompt.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PromptOptions request;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--json", description = "Print one JSON object (prompt_ids, ids, text, ...) instead of streaming text.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SamplingParams params = sampling.params();
        PrintWriter out = spec.commandLine().getOut();
        LoadMonitor loading = modelOptions.loadMonitor();
        try (Model model = Model.open(modelOptions.modelDirectory(), loading);
             Backend backend = modelOptions.openBackend();
             ModelRunner runner = backend.load(model, loading)) {
            Tokenizer tokenizer = model.tokenizer();
            int[] promptIds = tokenizer.encode(request.prompt);
            Generator generator = new Generator(runner, model.eosTokenIds());
            GenerationResult result;
            if (json) {
                result = generator.generate(promptIds, request.maxTokens, params, (i, id) -> { }, MoeProbe.NONE);
                printJson(out, model, tokenizer, result, backend.description());
            } else {
                TokenStreamDecoder stream = tokenizer.streamDecoder();
                result = generator.generate(promptIds, request.maxTokens, params, (i, id) -> {
                    out.print(stream.push(id));
                    out.flush();
                }, MoeProbe.NONE);
                out.println(stream.flush());
                out.flush();
            }
        }
        return 0;
    }

    private static void printJson(PrintWriter out, Model model, Tokenizer tokenizer, GenerationResult r,
                                  String backend) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode o = mapper.createObjectNode();
        o.put("model", model.directory().toString());
        o.put("architecture", model.config().architecture().className());
        o.put("backend", backend);
        var promptIds = o.putArray("prompt_ids");
        for (int id : r.promptIds()) {
            promptIds.add(id);
        }
        var ids = o.putArray("ids");
        for (int id : r.generatedIds()) {
            ids.add(id);
        }
        o.put("text", tokenizer.decode(r.generatedIds(), true));
        o.put("stop_reason", r.stopReason().name().toLowerCase());
        o.put("prefill_ms", r.prefillNanos() / 1e6);
        o.put("decode_tokens_per_s", r.decodeTokensPerSecond());
        out.println(mapper.writeValueAsString(o));
        out.flush();
    }
}
