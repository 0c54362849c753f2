package org.specscope.engine.cli;

import org.specscope.engine.backend.Backend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.KvCache;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.Model;
import org.specscope.engine.tensor.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code logits}: the logits at every prompt position, as a float32 .npy [tokens, vocab]. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits at every prompt position to a float32 .npy of shape [tokens, vocab].")
final class LogitsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt text.")
    String prompt;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.npy", description = "Where to write the logits.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadMonitor loading = modelOptions.loadMonitor();
        try (Model model = Model.open(modelOptions.modelDirectory(), loading);
             Backend backend = modelOptions.openBackend();
             ModelRunner runner = backend.load(model, loading)) {
            int[] ids = model.tokenizer().encode(prompt);
            if (ids.length == 0) {
                throw new IllegalArgumentException("the prompt encodes to no tokens");
            }
            KvCache cache = runner.newKvCache(ids.length);
            Logits logits = runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL), cache);
            Npy.writeFloat32(out, logits.values(), logits.rows(), logits.vocab());
            spec.commandLine().getOut().printf("wrote %s: [%d, %d] float32 logits%n", out, logits.rows(), logits.vocab());
        }
        return 0;
    }
}
