package org.specscope.engine.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.specscope.engine.SampleModelDirs;
import org.specscope.engine.TestBackend;
import org.specscope.engine.backend.ForwardBatch;
import org.specscope.engine.backend.Logits;
import org.specscope.engine.backend.ModelRunner;
import org.specscope.engine.model.Model;
import org.specscope.engine.model.ModelConfig;
import org.specscope.engine.model.MoeConfig;
import org.specscope.engine.model.safetensors.Checkpoint;
import org.specscope.engine.moe.LayerRouting;
import org.specscope.engine.moe.MoeProbe;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A synthetic checkpoint loads, runs, repeats for a seed, shards, streams and skews its routers as specified. */
class SyntheticCheckpointTest {

    static final Path TOKENIZER = SampleModelDirs.TARGET;
    static final List<ModelPreset> PRESETS = ModelPreset.ALL;

    @TempDir
    Path tmp;

    /** A few-MB model of the preset's family: scale 0.03, 2 layers, the tokenizer's 4096-token vocabulary. */
    static SyntheticShape tiny(ModelPreset preset) {
        return SyntheticShape.of(preset, 0.03, 2, 4096);
    }

    private Path write(String name, SyntheticCheckpoint checkpoint) {
        return write(name, checkpoint, Runtime.getRuntime().availableProcessors());
    }

    private Path write(String name, SyntheticCheckpoint checkpoint, int threads) {
        Path dir = tmp.resolve(name);
        checkpoint.write(dir, TOKENIZER, SyntheticCheckpoint.Progress.NONE, threads);
        return dir;
    }

    private static SyntheticCheckpoint checkpoint(SyntheticShape shape, RouterSkew skew, long seed) {
        return new SyntheticCheckpoint(shape, DType.BF16, skew, seed, SyntheticCheckpoint.DEFAULT_SHARD_BYTES);
    }

    private static int[] promptIds(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 3 + (i * 131) % 4000;   // spread over the vocabulary, past the special tokens
        }
        return ids;
    }

    private static Logits prefill(Model model, int[] ids, MoeProbe probe) {
        try (ModelRunner runner = TestBackend.CPU.load(model)) {
            return runner.forward(ForwardBatch.sequence(ids, 0, ForwardBatch.LogitRows.ALL), runner.newKvCache(ids.length),
                    probe);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void aTinySynthOfEachPresetOpensWithItsFamilysScaledShapeAndRunsToFiniteLogits(ModelPreset preset) {
        SyntheticShape shape = tiny(preset);
        SyntheticCheckpoint synth = checkpoint(shape, new RouterSkew(1.0), 7);
        assertThat(synth.totalBytes()).as("a few MB").isBetween(500_000L, 8_000_000L);
        Path dir = write(preset.name(), synth);
        try (Model model = Model.open(dir)) {
            ModelConfig c = model.config();
            MoeConfig m = c.moe().orElseThrow();
            assertThat(c.architecture()).isEqualTo(preset.architecture());
            assertThat(c.numLayers()).isEqualTo(2);
            assertThat(c.hiddenSize()).isEqualTo(shape.hiddenSize()).isLessThan(preset.hiddenSize());
            assertThat(c.numHeads()).isEqualTo(shape.numHeads());
            assertThat(c.numKvHeads()).isEqualTo(shape.numKvHeads());
            assertThat(c.headDim()).isEqualTo(preset.headDim());
            assertThat(m.numExperts()).isEqualTo(shape.numExperts()).isGreaterThan(preset.expertsPerToken());
            assertThat(m.expertsPerToken()).isEqualTo(preset.expertsPerToken());
            assertThat(m.expertIntermediateSize()).isEqualTo(shape.expertIntermediateSize());
            assertThat(m.normalizeTopK()).isEqualTo(preset.normTopKProb());
            assertThat(c.vocabSize()).isEqualTo(4096);
            assertThat(c.ropeTheta()).isEqualTo(preset.ropeTheta());
            assertThat(c.rmsNormEps()).isEqualTo(preset.rmsNormEps());
            assertThat(c.maxPositionEmbeddings()).isEqualTo(preset.maxPositionEmbeddings());
            assertThat(c.tieWordEmbeddings()).isFalse();
            assertThat(c.slidingWindow()).isZero();
            assertThat(model.weights().parameterCount()).isEqualTo(synth.parameterCount());
            assertThat(model.weights().activeParameterCount(m.expertsPerToken())).isEqualTo(synth.activeParameterCount());
            assertThat(model.tensors().totalBytes()).isEqualTo(synth.totalBytes());

            Logits logits = prefill(model, model.tokenizer().encode("The quick brown fox"), MoeProbe.NONE);
            assertThat(logits.vocab()).isEqualTo(4096);
            for (float v : logits.values()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherWeights() throws IOException {
        SyntheticShape shape = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.03, 1, 4096);
        Map<String, byte[]> first = files(write("a", checkpoint(shape, new RouterSkew(1.0), 42)));
        Map<String, byte[]> again = files(write("b", checkpoint(shape, new RouterSkew(1.0), 42)));
        Map<String, byte[]> other = files(write("c", checkpoint(shape, new RouterSkew(1.0), 43)));
        assertThat(again.keySet()).isEqualTo(first.keySet());
        first.forEach((name, bytes) -> assertThat(again.get(name)).as(name).isEqualTo(bytes));
        String weights = "model-00001-of-00001.safetensors";
        assertThat(other.get(weights)).hasSameSizeAs(first.get(weights)).isNotEqualTo(first.get(weights));
        assertThat(other.get("model.safetensors.index.json")).isEqualTo(first.get("model.safetensors.index.json"));
    }

    @Test
    void theBytesDoNotDependOnTheStreamingChunkSize() throws IOException {
        // 7 elements per chunk: every tensor crosses many chunk and row boundaries, including the
        // marker channel and zeroed rows, and must come out as with the default 65536-element chunk.
        SyntheticShape shape = SyntheticShape.of(ModelPreset.MIXTRAL_8X7B, 0.03, 1, 4096);
        for (DType dtype : DType.values()) {
            var whole = new SyntheticCheckpoint(shape, dtype, new RouterSkew(1.2), 5, 1L << 40);
            var chunked = new SyntheticCheckpoint(shape, dtype, new RouterSkew(1.2), 5, 1L << 40, 7,
                    SyntheticCheckpoint.AHEAD_BYTES);
            assertThat(files(write("chunk-" + dtype, chunked)))
                    .as(dtype.name()).containsExactlyInAnyOrderEntriesOf(files(write("whole-" + dtype, whole)));
        }
    }

    @Test
    void theBytesDoNotDependOnTheThreadCount() throws IOException {
        // 20 kB drawn ahead at most: the embeddings, the LM head and the experts' stacks stream through
        // the writer between the tensors the pool drew (norms, routers, attention), over several shards.
        SyntheticShape shape = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.03, 2, 4096);
        var synth = new SyntheticCheckpoint(shape, DType.BF16, new RouterSkew(1.0), 9, 1_500_000,
                SyntheticCheckpoint.DEFAULT_CHUNK_ELEMENTS, 20_000);
        assertThat(synth.write(tmp.resolve("one-thread"), TOKENIZER, SyntheticCheckpoint.Progress.NONE, 1))
                .as("tensors drawn ahead by one thread").isZero();
        Map<String, byte[]> one = files(tmp.resolve("one-thread"));
        assertThat(one.keySet()).filteredOn(name -> name.endsWith(".safetensors")).hasSizeGreaterThan(2);
        long small;   // the tensors within the pool's limit, read back from what was written
        try (Checkpoint written = Checkpoint.open(tmp.resolve("one-thread"))) {
            small = written.files().stream().flatMap(f -> f.infos().stream()).filter(t -> t.byteSize() <= 20_000).count();
        }
        assertThat(small).isBetween(10L, synth.tensorCount() - 3L);
        for (int threads : new int[]{2, 5}) {
            Path dir = tmp.resolve(threads + "-threads");
            assertThat(synth.write(dir, TOKENIZER, SyntheticCheckpoint.Progress.NONE, threads))
                    .as("tensors drawn ahead by %d threads", threads).isEqualTo(small);
            assertThat(files(dir)).as(threads + " threads").containsExactlyInAnyOrderEntriesOf(one);
        }
    }

    @Test
    void aSmallShardSizeWritesSeveralShardsAndAnIndexNamingEveryTensor() throws IOException {
        SyntheticShape shape = SyntheticShape.of(ModelPreset.QWEN3_30B_A3B, 0.03, 2, 4096);
        SyntheticCheckpoint synth = new SyntheticCheckpoint(shape, DType.BF16, new RouterSkew(1.0), 1, 600_000);
        Path dir = write("sharded", synth);
        List<Path> shards;
        try (Stream<Path> s = Files.list(dir)) {
            shards = s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        }
        assertThat(shards).hasSizeGreaterThan(3);
        JsonNode index = JsonMapper.builder().build().readTree(dir.resolve(Checkpoint.INDEX_FILE).toFile());
        assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(synth.totalBytes());
        assertThat(index.get("weight_map").size()).isEqualTo(synth.tensorCount());
        assertThat(index.get("weight_map").values()).allSatisfy(f -> assertThat(dir.resolve(f.asString())).isRegularFile());
        try (Model model = Model.open(dir)) {
            assertThat(model.weights().parameterCount()).isEqualTo(synth.parameterCount());
        }
    }

    @Test
    void weightsAreNormalWithTheInitialiserStdAndNormsAreOne() {
        SyntheticShape shape = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.03, 1, 4096);
        Path dir = write("f32", new SyntheticCheckpoint(shape, DType.F32, RouterSkew.UNIFORM, 3, 1L << 40));
        try (Model model = Model.open(dir)) {
            Tensor q = model.tensors().require("model.layers.0.self_attn.q_proj.weight", shape.queryDim(), shape.hiddenSize());
            double sum = 0;
            double squares = 0;
            for (long i = 0; i < q.elementCount(); i++) {
                double v = q.getFloat(i);
                sum += v;
                squares += v * v;
            }
            double mean = sum / q.elementCount();
            assertThat(mean).isCloseTo(0, within(0.002));
            assertThat(Math.sqrt(squares / q.elementCount() - mean * mean)).isCloseTo(0.02, within(0.001));
            Tensor norm = model.tensors().require("model.layers.0.self_attn.q_norm.weight", shape.queryDim());
            for (long i = 0; i < norm.elementCount(); i++) {
                assertThat(norm.getFloat(i)).isEqualTo(1f);
            }
        }
    }

    @Test
    void onlyTheEmbeddingsWriteTheRoutingSubspaceAndRoutersReadNothingElse() {
        SyntheticShape shape = SyntheticShape.of(ModelPreset.OLMOE_1B_7B, 0.03, 1, 4096);
        Path dir = write("marked", new SyntheticCheckpoint(shape, DType.F32, new RouterSkew(1.0), 9, 1L << 40));
        RouterSubspace subspace = RouterSubspace.of(shape, 0.02);
        int h = shape.hiddenSize();
        int channels = subspace.channels();
        assertThat(channels).isBetween(2, h / 4);
        try (Model model = Model.open(dir)) {
            Tensor embed = model.weights().embedTokens();
            double codeSquares = 0;
            int rows = 0;
            for (long row = 0; row < shape.vocabSize(); row += 7, rows++) {
                assertThat(embed.getFloat(row * h)).as("marker").isEqualTo((float) subspace.marker());
                for (int c = 1; c < channels; c++) {
                    codeSquares += Math.pow(embed.getFloat(row * h + c), 2);
                }
            }
            assertThat(Math.sqrt(codeSquares / rows / (channels - 1))).as("routing code std")
                    .isCloseTo(subspace.codeStd(), within(0.05 * subspace.codeStd()));
            var layer = model.weights().layers().getFirst();
            Tensor o = layer.attention().o();
            Tensor down = model.weights().moe(0).orElseThrow().experts().getFirst().down();
            for (long i = 0; i < (long) channels * shape.queryDim(); i++) {
                assertThat(o.getFloat(i)).as("o_proj, subspace rows").isZero();
            }
            for (long i = 0; i < (long) channels * shape.expertIntermediateSize(); i++) {
                assertThat(down.getFloat(i)).as("down_proj, subspace rows").isZero();
            }
            assertThat(o.getFloat((long) channels * shape.queryDim())).as("o_proj, first ordinary row").isNotZero();
            Tensor router = model.weights().moe(0).orElseThrow().router();
            int[] order = RouterSkew.popularityOrder(9, 0, shape.numExperts());
            for (int e = 0; e < shape.numExperts(); e++) {
                for (int c = channels; c < h; c++) {
                    assertThat(router.getFloat((long) e * h + c)).as("router, ordinary channel").isZero();
                }
            }
            double codeLength = RouterSubspace.TOKEN_SPREAD / (subspace.codeStd() * subspace.normalisedScale(0));
            for (int e = 0; e < shape.numExperts(); e++) {
                double squares = 0;
                for (int c = 1; c < channels; c++) {
                    squares += Math.pow(router.getFloat((long) e * h + c), 2);
                }
                assertThat(Math.sqrt(squares)).as("expert %d: every expert's code weights have one length", e)
                        .isCloseTo(codeLength, within(1e-5 * codeLength));
            }
            for (int rank = 1; rank < order.length; rank++) {
                assertThat(router.getFloat((long) order[rank] * h))
                        .as("rank %d below rank %d", rank, rank - 1)
                        .isLessThan(router.getFloat((long) order[rank - 1] * h));
            }
        }
    }

    /** Share of all routing mass (over every token and MoE layer) held by each layer's {@code top} intended favourites. */
    private double favouriteShare(ModelPreset preset, RouterSkew skew, int top, long seed) {
        SyntheticShape shape = tiny(preset);
        Path dir = write(preset.name() + "-" + (skew.isUniform() ? "uniform" : "zipf"), checkpoint(shape, skew, seed));
        List<LayerRouting> seen = new ArrayList<>();
        try (Model model = Model.open(dir)) {
            // Every token routes sharply on its own (uniform routers too), so any expert's mass over a
            // few dozen tokens is noisy; 192 tokens keep the shares within a few percent.
            prefill(model, promptIds(192), seen::add);
        }
        double favourite = 0;
        double all = 0;
        for (LayerRouting r : seen) {
            float[] mass = r.expertMass();
            int[] order = RouterSkew.popularityOrder(seed, r.layer(), r.numExperts());
            for (int rank = 0; rank < mass.length; rank++) {
                all += mass[order[rank]];
                favourite += rank < top ? mass[order[rank]] : 0;
            }
        }
        return favourite / all;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PRESETS")
    void zipfRoutingGivesTheFavouriteExpertsMuchMoreMassThanUniformRouting(ModelPreset preset) {
        int experts = tiny(preset).numExperts();
        int top = Math.max(1, experts / 4);
        double zipfIdeal = 0;
        double harmonic = 0;
        for (int r = 1; r <= experts; r++) {
            harmonic += 1.0 / r;
            zipfIdeal += r <= top ? 1.0 / r : 0;
        }
        zipfIdeal /= harmonic;
        double zipf = favouriteShare(preset, new RouterSkew(1.0), top, 11);
        double uniform = favouriteShare(preset, RouterSkew.UNIFORM, top, 11);
        double headCount = (double) top / experts;
        assertThat(uniform).as("uniform: about the favourites' head count").isCloseTo(headCount, within(0.05));
        assertThat(zipf).as("zipf:1 share near the Zipf weights %.3f", zipfIdeal).isCloseTo(zipfIdeal, within(0.1));
        assertThat(zipf - uniform).as("most of the gap between Zipf's and uniform shares")
                .isGreaterThan(0.6 * (zipfIdeal - headCount));
    }

    @Test
    void refusesANonEmptyOutputDirectoryAndSaysSo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        SyntheticCheckpoint synth = checkpoint(tiny(ModelPreset.MIXTRAL_8X7B), RouterSkew.UNIFORM, 0);
        assertThatThrownBy(() -> synth.write(dir, TOKENIZER, SyntheticCheckpoint.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("not empty").hasMessageContaining("another");
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void anEmptyOutputDirectoryIsUsed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        checkpoint(tiny(ModelPreset.MIXTRAL_8X7B), RouterSkew.UNIFORM, 0).write(dir, TOKENIZER, SyntheticCheckpoint.Progress.NONE);
        assertThat(dir.resolve("config.json")).isRegularFile();
    }

    @Test
    void aWriteFailureNamesThePath() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("a-file"), "x");
        Path dir = blocker.resolve("model");
        SyntheticCheckpoint synth = checkpoint(tiny(ModelPreset.MIXTRAL_8X7B), RouterSkew.UNIFORM, 0);
        assertThatThrownBy(() -> synth.write(dir, TOKENIZER, SyntheticCheckpoint.Progress.NONE))
                .isInstanceOf(UncheckedIOException.class)
                .cause().hasMessageContaining(dir.toString());
    }

    @Test
    void refusesAVocabularySmallerThanTheTokenizer() {
        SyntheticCheckpoint synth = checkpoint(SyntheticShape.of(ModelPreset.MIXTRAL_8X7B, 0.03, 1, 1000),
                RouterSkew.UNIFORM, 0);
        assertThatThrownBy(() -> synth.write(tmp.resolve("v"), TOKENIZER, SyntheticCheckpoint.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--vocab 1000")
                .hasMessageContaining("4096");
        assertThat(tmp.resolve("v")).doesNotExist();
    }

    @Test
    void progressReachesTheTotalOnceAndNeverGoesBack() {
        SyntheticCheckpoint synth = checkpoint(tiny(ModelPreset.OLMOE_1B_7B), RouterSkew.UNIFORM, 0);
        List<Long> seen = new ArrayList<>();
        synth.write(tmp.resolve("p"), TOKENIZER, (written, total) -> {
            assertThat(total).isEqualTo(synth.totalBytes());
            seen.add(written);
        });
        assertThat(seen).isSorted().doesNotHaveDuplicates().last().isEqualTo(synth.totalBytes());
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
