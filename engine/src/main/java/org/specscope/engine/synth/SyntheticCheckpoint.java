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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A random-weight Hugging Face checkpoint of a {@link SyntheticShape}: planned (tensors, sizes,
 * parameter counts) and then written as sharded safetensors, config.json and the bundled tokenizer.
 *
 * <p>Weights are N(0, 0.02^2) (transformers' initializer_range), RMSNorm weights 1, except where
 * the {@link RouterSubspace} that routing by {@link RouterSkew} needs lives: the embeddings' first
 * channels, those channels' rows in everything that writes to the residual stream (zero), and the
 * routers. Each tensor draws from its own stream seeded by the seed and its name, so the bytes
 * depend only on (shape, dtype, router, seed), not on write order, shard size or thread count.
 * Tensors are drawn in parallel, a bounded number ahead of the writer (see {@code Drawing}), so a
 * full-size model needs no more memory than a tiny one.
 */
public final class SyntheticCheckpoint {

    /** transformers' initializer_range for all three families. */
    static final double INIT_STD = 0.02;
    /** Hugging Face's default max_shard_size. */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;
    static final int DEFAULT_CHUNK_ELEMENTS = 1 << 16;
    /** Tensors up to this size are drawn ahead by the pool (OLMoE's experts are 4 MiB, Mixtral's 112 MiB). */
    static final long AHEAD_BYTES = 128L << 20;
    /** The pool's buffers together, unless two buffers of the largest tensor drawn ahead are more. */
    static final long AHEAD_MEMORY = 1L << 30;
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
    private final long aheadBytes;
    private final List<TensorPlan.Planned> tensors;
    private final Map<String, TensorPlan.Planned> byName = new HashMap<>();

    public SyntheticCheckpoint(SyntheticShape shape, DType dtype, RouterSkew skew, long seed, long shardBytes) {
        this(shape, dtype, skew, seed, shardBytes, DEFAULT_CHUNK_ELEMENTS, AHEAD_BYTES);
    }

    /**
     * With the streaming chunk size and the largest tensor drawn ahead given, so tests can cross
     * chunk boundaries and mix drawn-ahead and streamed tensors on tiny models.
     */
    SyntheticCheckpoint(SyntheticShape shape, DType dtype, RouterSkew skew, long seed, long shardBytes,
                        int chunkElements, long aheadBytes) {
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
        this.aheadBytes = aheadBytes;
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

    /** {@link #write(Path, Path, Progress, int)} on every core. */
    public int write(Path dir, Path tokenizerDir, Progress progress) {
        return write(dir, tokenizerDir, progress, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Writes the checkpoint into {@code dir} (created; it must not exist or be empty) with the
     * tokenizer files of {@code tokenizerDir}, drawing tensors on {@code threads} threads. config.json
     * is written last, so a run that fails midway never leaves a directory that looks like a complete
     * model. The files are the same for any thread count.
     *
     * @return how many tensors the pool drew ahead of the writer (the others streamed through it)
     */
    public int write(Path dir, Path tokenizerDir, Progress progress, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        Tokenizer tokenizer = tokenizerOf(tokenizerDir);
        if (tokenizer.vocabSize() > shape.vocabSize()) {
            throw new IllegalArgumentException("--vocab " + shape.vocabSize() + " is smaller than the bundled tokenizer's "
                    + tokenizer.vocabSize() + " tokens; use at least " + tokenizer.vocabSize());
        }
        prepareEmptyDirectory(dir);
        long total = totalBytes();
        long[] written = {0};
        BytesWritten counter = n -> {
            written[0] += n;
            progress.update(written[0], total);
        };
        try (Drawing drawing = new Drawing(threads)) {
            SafetensorsWriter.writeSharded(dir, tensors.stream().map(TensorPlan.Planned::entry).toList(), shardBytes,
                    (writer, entry) -> drawing.write(writer, byName.get(entry.name()), counter));
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
            return drawing.drawnAhead;
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(dir + ": cannot write: " + e.getMessage(), e));
        } catch (UncheckedIOException e) {
            // The writer's message names the file; keep it (the CLI prints the cause's message).
            throw new UncheckedIOException(new IOException(e.getMessage()
                    + " (is the disk full? the partial checkpoint is left in " + dir + ")", e.getCause()));
        }
    }

    /**
     * Drawing the tensors, by far the slowest part of a write (a Box-Muller pair per two values; one
     * core drew a full-size OLMoE's 13.8 GB in some 140 s), spread over a pool while the writer
     * appends them in order. Each tensor comes from its own stream, so the unit of work is a tensor:
     * tensors up to the ahead limit ({@link #AHEAD_BYTES}) are drawn ahead, whole, into buffers
     * reused from a few allocated once (each as large as the largest such tensor, together at most
     * {@link #AHEAD_MEMORY} or two); a larger tensor (an embedding, an LM head) streams through the
     * writer thread's chunk buffer when its turn comes. So memory stays bounded, whatever the model.
     * A tensor is handed to the pool only with a free buffer, taken here in order, so the tensor the
     * writer waits for always has one. With one thread nothing is drawn ahead.
     */
    private final class Drawing implements AutoCloseable {

        private final ExecutorService pool;
        private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
        private final ArrayDeque<MemorySegment> freeBuffers = new ArrayDeque<>();
        private final Arena buffers = Arena.ofShared();   // closed once: each close is a handshake with every thread
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment chunk = arena.allocate((long) chunkElements * dtype.byteSize(), 8);
        /** Each drawing thread's values of a chunk (the writer's too). */
        private final ThreadLocal<float[]> values = ThreadLocal.withInitial(() -> new float[chunkElements]);
        private int nextToSubmit;
        private int drawnAhead;

        private record Ahead(TensorPlan.Planned tensor, MemorySegment buffer, Future<?> drawn) {
        }

        Drawing(int threads) {
            long largest = tensors.stream().mapToLong(t -> t.entry().byteSize()).filter(b -> b <= aheadBytes).max()
                    .orElse(0);
            int count = threads == 1 || largest == 0 ? 0
                    : (int) Math.max(2, Math.min(threads + 2L, AHEAD_MEMORY / largest));
            for (int i = 0; i < count; i++) {
                freeBuffers.add(buffers.allocate(largest, 8));
            }
            this.pool = count == 0 ? null : Executors.newFixedThreadPool(threads,
                    Thread.ofPlatform().name("specscope-synth-", 0).daemon().factory());
        }

        void write(SafetensorsWriter writer, TensorPlan.Planned t, BytesWritten counter) {
            submitAhead();
            long bytes = t.entry().byteSize();
            if (!ahead.isEmpty() && ahead.peekFirst().tensor() == t) {
                Ahead next = ahead.removeFirst();
                join(next.drawn());
                writer.write(t.entry().name(), next.buffer().asSlice(0, bytes));
                freeBuffers.add(next.buffer());
                drawnAhead++;
                counter.add(bytes);
            } else {
                writer.begin(t.entry().name());
                draw(t, values.get(), (offset, n) -> chunk.asSlice(0, n), slice -> {
                    writer.append(slice);
                    counter.add(slice.byteSize());
                });
                writer.end();
            }
            submitAhead();
        }

        /** Hands the pool the next tensors that may be drawn ahead, in order, while buffers are free. */
        private void submitAhead() {
            while (pool != null && nextToSubmit < tensors.size()) {
                TensorPlan.Planned t = tensors.get(nextToSubmit);
                if (t.entry().byteSize() > aheadBytes) {   // streamed when its turn comes
                    nextToSubmit++;
                    continue;
                }
                MemorySegment buffer = freeBuffers.poll();
                if (buffer == null) {
                    return;
                }
                MemorySegment into = buffer.asSlice(0, t.entry().byteSize());
                ahead.addLast(new Ahead(t, buffer, pool.submit(
                        () -> draw(t, values.get(), into::asSlice, slice -> { }))));
                nextToSubmit++;
            }
        }

        private static void join(Future<?> drawn) {
            try {
                drawn.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("drawing a tensor failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while drawing the checkpoint's tensors", e);
            }
        }

        /** Stops the pool (a write that failed midway drops what it drew) and frees the buffers. */
        @Override
        public void close() {
            if (pool != null) {
                ahead.forEach(a -> a.drawn().cancel(false));
                ahead.clear();
                pool.close();   // waits for the draws under way, which write into the buffers
            }
            buffers.close();
            arena.close();
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

    /** Where a drawn chunk's bytes go: {@code bytes} at byte {@code offset} of the tensor. */
    @FunctionalInterface
    private interface ChunkTarget {
        MemorySegment slice(long offset, long bytes);
    }

    /**
     * Draws tensor {@code t} chunk by chunk through {@code values}: draw, adjust, encode into the
     * target's slice, then hand the slice to {@code filled}.
     */
    private void draw(TensorPlan.Planned t, float[] values, ChunkTarget target, Consumer<MemorySegment> filled) {
        String name = t.entry().name();
        long count = t.entry().elementCount();
        long[] dims = t.entry().shape();
        long rowLength = dims.length == 2 ? dims[1] : count;
        GaussianStream normal = t.fill() == TensorPlan.Fill.ONES ? null
                : new GaussianStream(SeededTensors.mix(seed, name), INIT_STD);
        float[] popularity = t.fill() == TensorPlan.Fill.ROUTER ? popularity(t.layer()) : null;
        int channels = subspace.channels();
        double[] codeLengths = t.fill() == TensorPlan.Fill.ROUTER ? codeLengths(name, dims[0], rowLength) : null;
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
            long bytes = (long) n * dtype.byteSize();
            MemorySegment slice = target.slice(start * dtype.byteSize(), bytes);
            encode(values, n, slice);
            filled.accept(slice);
        }
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
