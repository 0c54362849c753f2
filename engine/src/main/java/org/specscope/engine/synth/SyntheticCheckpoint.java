package org.specscope.engine.synth;

import org.specscope.engine.model.safetensors.SafetensorsWriter;
import org.specscope.engine.model.tokenizer.Tokenizer;
import org.specscope.engine.tensor.DType;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A random-weight Hugging Face checkpoint of a {@link SyntheticShape}: planned (tensors, sizes,
 * parameter counts) and then written as sharded safetensors, config.json and the bundled tokenizer.
 *
 * <p>Weights are N(0, 0.02^2) (transformers' initializer_range), RMSNorm weights 1, except where
 * the {@link RouterSubspace} that routing by {@link RouterSkew} needs lives: the embeddings' first
 * channels, those channels' rows in everything that writes to the residual stream (zero), and the
 * routers. Each tensor draws from its own stream seeded by the seed and its name, so the bytes
 * depend only on (shape, dtype, router, seed), not on write order or shard size. Values stream
 * through one chunk buffer straight into the writer: no tensor is ever held whole, so a full-size
 * model needs no more memory than a tiny one.
 */
public final class SyntheticCheckpoint {

    /** transformers' initializer_range for all three families. */
    static final double INIT_STD = 0.02;
    /** Hugging Face's default max_shard_size. */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;
    static final int DEFAULT_CHUNK_ELEMENTS = 1 << 16;
    /** The tokenizer files copied when present; tokenizer.json is required. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model");

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Told how far the weights are: bytes written of the total, after every chunk. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (written, total) -> { };

        void update(long written, long total);
    }

    private final SyntheticShape shape;
    private final DType dtype;
    private final RouterSkew skew;
    private final RouterSubspace subspace;
    private final double[] popularityByRank;
    private final long seed;
    private final long shardBytes;
    private final int chunkElements;
    private final List<TensorPlan.Planned> tensors;
    private final Map<String, TensorPlan.Planned> byName = new HashMap<>();

    public SyntheticCheckpoint(SyntheticShape shape, DType dtype, RouterSkew skew, long seed, long shardBytes) {
        this(shape, dtype, skew, seed, shardBytes, DEFAULT_CHUNK_ELEMENTS);
    }

    /** With the streaming chunk size given, so tests can cross chunk boundaries on tiny tensors. */
    SyntheticCheckpoint(SyntheticShape shape, DType dtype, RouterSkew skew, long seed, long shardBytes,
                        int chunkElements) {
        if (shardBytes <= 0) {
            throw new IllegalArgumentException("--shard-size must be a positive number of bytes, got " + shardBytes);
        }
        if (chunkElements <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkElements);
        }
        this.shape = shape;
        this.dtype = dtype;
        this.skew = skew;
        this.seed = seed;
        this.shardBytes = shardBytes;
        this.chunkElements = chunkElements;
        this.subspace = RouterSubspace.of(shape, INIT_STD);
        this.popularityByRank = skew.popularityLogits(shape.numExperts(), RouterSubspace.TOKEN_SPREAD);
        this.tensors = TensorPlan.of(shape, dtype);
        tensors.forEach(t -> byName.put(t.entry().name(), t));
    }

    public SyntheticShape shape() {
        return shape;
    }

    /** Bytes of tensor data (the safetensors headers and JSON files add a few kilobytes). */
    public long totalBytes() {
        return tensors.stream().mapToLong(t -> t.entry().byteSize()).sum();
    }

    public long parameterCount() {
        return tensors.stream().mapToLong(t -> t.entry().elementCount()).sum();
    }

    /** Parameters one token computes with: all but the routed experts it does not use (embeddings counted). */
    public long activeParameterCount() {
        return parameterCount() - shape.idleExpertParameters();
    }

    public int tensorCount() {
        return tensors.size();
    }

    /**
     * Writes the checkpoint into {@code dir} (created; it must not exist or be empty) with the
     * tokenizer files of {@code tokenizerDir}. config.json is written last, so a run that fails
     * midway never leaves a directory that looks like a complete model.
     */
    public void write(Path dir, Path tokenizerDir, Progress progress) {
        Tokenizer tokenizer = tokenizerOf(tokenizerDir);
        if (tokenizer.vocabSize() > shape.vocabSize()) {
            throw new IllegalArgumentException("--vocab " + shape.vocabSize() + " is smaller than the bundled tokenizer's "
                    + tokenizer.vocabSize() + " tokens; use at least " + tokenizer.vocabSize());
        }
        prepareEmptyDirectory(dir);
        long total = totalBytes();
        long[] written = {0};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate((long) chunkElements * dtype.byteSize(), 8);
            float[] values = new float[chunkElements];
            SafetensorsWriter.writeSharded(dir, tensors.stream().map(TensorPlan.Planned::entry).toList(), shardBytes,
                    (writer, entry) -> {
                        TensorPlan.Planned t = byName.get(entry.name());
                        writeTensor(writer, t, values, chunk, n -> {
                            written[0] += n;
                            progress.update(written[0], total);
                        });
                    });
            for (String name : TOKENIZER_FILES) {
                Path from = tokenizerDir.resolve(name);
                if (Files.isRegularFile(from)) {
                    Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Map<String, Object> config = SyntheticConfig.of(shape, dtype, tokenizer.bosId(), tokenizer.eosId(),
                    provenance());
            Files.writeString(dir.resolve("config.json"),
                    JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(dir + ": cannot write: " + e.getMessage(), e));
        } catch (UncheckedIOException e) {
            // The writer's message names the file; keep it (the CLI prints the cause's message).
            throw new UncheckedIOException(new IOException(e.getMessage()
                    + " (is the disk full? the partial checkpoint is left in " + dir + ")", e.getCause()));
        }
    }

    private Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("like", shape.preset().name());
        p.put("router", skew.isUniform() ? "uniform" : "zipf:" + skew.exponent());
        p.put("routing_subspace_channels", subspace.channels());   // reserved: written by embeddings only
        p.put("router_token_spread", RouterSubspace.TOKEN_SPREAD);
        p.put("seed", seed);
        p.put("init_std", INIT_STD);
        return p;
    }

    @FunctionalInterface
    private interface BytesWritten {
        void add(long bytes);
    }

    /** Streams one tensor through the chunk buffer: draw, adjust, encode, append. */
    private void writeTensor(SafetensorsWriter writer, TensorPlan.Planned t, float[] values, MemorySegment chunk,
                             BytesWritten counter) {
        String name = t.entry().name();
        long count = t.entry().elementCount();
        long[] dims = t.entry().shape();
        long rowLength = dims.length == 2 ? dims[1] : count;
        GaussianStream normal = t.fill() == TensorPlan.Fill.ONES ? null
                : new GaussianStream(SeededTensors.mix(seed, name), INIT_STD);
        float[] popularity = t.fill() == TensorPlan.Fill.ROUTER ? popularity(t.layer()) : null;
        int channels = subspace.channels();
        double[] codeLengths = t.fill() == TensorPlan.Fill.ROUTER ? codeLengths(name, dims[0], rowLength) : null;
        writer.begin(name);
        for (long start = 0; start < count; start += chunkElements) {
            int n = (int) Math.min(chunkElements, count - start);
            if (normal == null) {
                Arrays.fill(values, 0, n, 1f);
            } else {
                normal.fill(values, n);
            }
            switch (t.fill()) {
                case EMBEDDING -> forLeadingColumns(start, n, rowLength, channels,
                        (i, row, col) -> values[i] = subspace.embedding(col, values[i], INIT_STD));
                case ROUTER -> forLeadingColumns(start, n, rowLength, (int) rowLength,
                        (i, row, col) -> values[i] = col < channels
                                ? subspace.router(t.layer(), col, popularity[(int) row],
                                        values[i] / codeLengths[(int) row]) : 0f);
                case NORMAL_SUBSPACE_ROWS_ZERO -> {
                    for (int i = 0; i < n && start + i < channels * rowLength; i++) {
                        values[i] = 0f;
                    }
                }
                case ONES, NORMAL -> { }
            }
            encode(values, n, chunk);
            long bytes = (long) n * dtype.byteSize();
            writer.append(chunk.asSlice(0, bytes));
            counter.add(bytes);
        }
        writer.end();
    }

    /** The popularity logit of each expert of {@code layer}, by expert id. */
    private float[] popularity(int layer) {
        int[] order = RouterSkew.popularityOrder(seed, layer, shape.numExperts());
        float[] out = new float[order.length];
        for (int rank = 0; rank < order.length; rank++) {
            out[order[rank]] = (float) popularityByRank[rank];
        }
        return out;
    }

    /**
     * The length of each router row's routing-code part, from a first pass over the router's own
     * stream (a router is experts x hidden values, small beside an expert), so the written pass can
     * scale every row's code to unit length.
     */
    private double[] codeLengths(String name, long rows, long rowLength) {
        GaussianStream normal = new GaussianStream(SeededTensors.mix(seed, name), INIT_STD);
        double[] out = new double[(int) rows];
        for (int row = 0; row < rows; row++) {
            for (long col = 0; col < rowLength; col++) {
                double v = normal.next();
                if (col >= 1 && col < subspace.channels()) {
                    out[row] += v * v;
                }
            }
            out[row] = Math.sqrt(out[row]);
        }
        return out;
    }

    @FunctionalInterface
    private interface Element {
        void set(int indexInChunk, long row, int column);
    }

    /** Visits the chunk's elements that sit in columns [0, columns) of a row-major [rows, rowLength] tensor. */
    private static void forLeadingColumns(long start, int n, long rowLength, int columns, Element action) {
        for (long row = start / rowLength; row * rowLength < start + n; row++) {
            long rowStart = row * rowLength;
            long to = Math.min(start + n, rowStart + columns);
            for (long g = Math.max(start, rowStart); g < to; g++) {
                action.set((int) (g - start), row, (int) (g - rowStart));
            }
        }
    }

    private void encode(float[] values, int n, MemorySegment out) {
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.set(F32_LE, 4L * i, values[i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(I16_LE, 2L * i, SafetensorsWriter.floatToBf16(values[i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(I16_LE, 2L * i, Float.floatToFloat16(values[i]));
                }
            }
        }
    }

    private static Tokenizer tokenizerOf(Path tokenizerDir) {
        if (!Files.isRegularFile(tokenizerDir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("no tokenizer.json in " + tokenizerDir + " (the bundled sample tokenizer); "
                    + "run from the SpecScope directory or set -Dspecscope.home");
        }
        return Tokenizer.load(tokenizerDir);
    }

    /** Creates {@code dir}, refusing one that holds anything: a synth never mixes with other files. */
    private static void prepareEmptyDirectory(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--out " + dir + " exists and is not a directory; choose a new directory");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " exists and is not empty; choose another "
                            + "directory (for example " + dir.getFileName() + "-2) or empty it first");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(new IOException(dir + ": cannot list: " + e.getMessage(), e));
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(dir + ": cannot create the output directory ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e));
        }
    }
}
