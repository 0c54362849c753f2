package org.specscope.engine.cli;

import org.specscope.engine.synth.ModelPreset;
import org.specscope.engine.synth.RouterSkew;
import org.specscope.engine.synth.SyntheticCheckpoint;
import org.specscope.engine.synth.SyntheticShape;
import org.specscope.engine.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code synth}: writes a random-weight checkpoint shaped like a real MoE model, optionally scaled down. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {
                "Write a random-weight Hugging Face checkpoint shaped like a real MoE model (config.json, sharded "
                        + "safetensors with model.safetensors.index.json, the bundled sample tokenizer), for "
                        + "measuring models that are too large to download.",
                "",
                "Scaling by F: head_dim is kept; heads = max(1, round(heads*F)); kv heads = the largest divisor of "
                        + "heads <= max(1, round(kv_heads*F)); hidden = heads*head_dim for Mixtral and OLMoE, "
                        + "max(64, hidden*F rounded to a multiple of 64) for Qwen3; intermediate sizes = max(64, "
                        + "size*F rounded to a multiple of 64); experts = max(min(experts, 2*top-k), "
                        + "round(experts*F)); top-k, layers and vocabulary are kept unless --layers / --vocab.",
                "",
                "Weights are N(0, 0.02^2), norms 1, seeded per tensor by --seed and the tensor's name, except "
                        + "a routing subspace: the first hidden channels hold a constant marker and a per-token "
                        + "routing code that only the embeddings write and that the routers alone read (see "
                        + "RouterSubspace). Every token routes on its own (logits spread about 1.25 nats, as "
                        + "trained routers'); zipf:S adds a popularity per expert so that routing mass over "
                        + "many tokens falls as rank^-S."
        })
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--like", required = true, paramLabel = "MODEL",
            description = "The real model to imitate: mixtral-8x7b, olmoe-1b-7b or qwen3-30b-a3b.")
    String like;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory; must not exist or be empty.")
    Path out;

    @Option(names = "--scale", defaultValue = "1.0", paramLabel = "F",
            description = "Shrink factor in (0, 1] (default: ${DEFAULT-VALUE}, the real size).")
    double scale;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: the real model's).")
    Integer layers;

    @Option(names = "--experts", paramLabel = "N",
            description = "Routed experts per layer (default: the real count scaled by F); top-k is kept.")
    Integer experts;

    @Option(names = "--vocab", paramLabel = "N",
            description = "vocab_size (default: the real model's; at least the bundled tokenizer's 4096 tokens).")
    Integer vocab;

    @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "bf16|f16|f32",
            description = "Weight dtype (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--router", defaultValue = "zipf:1.0", paramLabel = "zipf:S|uniform",
            description = "Expert popularity: zipf:S makes routing mass fall as rank^-S over a seeded "
                    + "ranking per layer (S = 1: heavy-tailed yet every expert used; larger S, fewer experts "
                    + "per tree); uniform = zipf:0, every expert alike. Tokens route differently either "
                    + "way (default: ${DEFAULT-VALUE}).")
    String router;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shard-size", defaultValue = "5000000000", paramLabel = "BYTES",
            description = "Largest shard, in bytes of tensor data (default: ${DEFAULT-VALUE}, as Hugging Face).")
    long shardSize;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads drawing the random weights; the files are the same for any count (default: all cores).")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ModelPreset preset = ModelPreset.require(like);
        if (layers != null && layers < 1) {
            throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
        }
        SyntheticShape shape = SyntheticShape.of(preset, scale, layers, vocab, experts);
        SyntheticCheckpoint checkpoint = new SyntheticCheckpoint(shape, dtypeOf(dtype), RouterSkew.parse(router),
                seed, shardSize);
        printShape(stdout, checkpoint);
        long started = System.nanoTime();
        int drawing = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        int[] lastPercent = {-1};
        int drawnAhead = checkpoint.write(out, tokenizerDirectory(), (written, total) -> {
            int percent = (int) (100 * written / Math.max(1, total));
            if (percent / 5 > lastPercent[0] / 5 || written == total && lastPercent[0] != 100) {
                lastPercent[0] = percent;
                stderr.printf(Locale.ROOT, "  %s / %s (%d%%)%n", InfoCommand.bytes(written), InfoCommand.bytes(total),
                        percent);
                stderr.flush();
            }
        }, drawing);
        stdout.printf(Locale.ROOT, "wrote %s: %s in %.1f s (%d threads; %d of %d tensors drawn ahead of the writer)%n",
                out, InfoCommand.bytes(checkpoint.totalBytes()), (System.nanoTime() - started) / 1e9, drawing, drawnAhead,
                checkpoint.tensorCount());
        stdout.flush();
        return 0;
    }

    private void printShape(PrintWriter o, SyntheticCheckpoint c) {
        SyntheticShape s = c.shape();
        o.printf(Locale.ROOT, "synth %s like %s, scale %s, router %s, seed %d%n", s.architecture().className(),
                s.preset().name(), scale, router, seed);
        o.printf(Locale.ROOT, "  %d layers, hidden %d, %d heads / %d kv heads x head_dim %d, expert width %d%n",
                s.numLayers(), s.hiddenSize(), s.numHeads(), s.numKvHeads(), s.headDim(), s.expertIntermediateSize());
        o.printf(Locale.ROOT, "  %d experts, top-%d, vocab %d%n", s.numExperts(), s.expertsPerToken(), s.vocabSize());
        o.printf(Locale.ROOT, "  %s parameters, %s active per token; %s of %s in %d tensors%n",
                InfoCommand.count(c.parameterCount()), InfoCommand.count(c.activeParameterCount()),
                InfoCommand.bytes(c.totalBytes()), dtype.toLowerCase(Locale.ROOT), c.tensorCount());
        o.flush();
    }

    private static DType dtypeOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "fp16", "float16" -> DType.F16;
            case "f32", "fp32", "float32" -> DType.F32;
            default -> throw new IllegalArgumentException("--dtype '" + name + "' is not one of bf16, f16, f32");
        };
    }

    /** The bundled sample model's tokenizer, under the project root (the launcher's specscope.home, else here). */
    private static Path tokenizerDirectory() {
        Path home = Path.of(System.getProperty(ModelOptions.HOME_PROPERTY, "."));
        return home.resolve("sample-models").resolve("specscope-moe-mini");
    }
}
