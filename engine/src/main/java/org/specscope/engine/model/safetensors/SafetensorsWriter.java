package org.specscope.engine.model.safetensors;

import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one safetensors file as a stream: the header first, from the declared tensors, then each
 * tensor's data in declaration order, whole ({@link #write}, {@link #writeFloats}) or in chunks
 * ({@link #begin}, {@link #append}, {@link #end}). Only a small staging buffer is held, so files of
 * any size can be written. Each tensor's byte count is checked against its shape &times; dtype.
 *
 * <p>The header carries {@code "__metadata__": {"format": "pt"}} and is padded with spaces so that
 * the data section starts at a multiple of 8 bytes. If the writer is closed before every declared
 * tensor was written, the incomplete file is deleted and {@link #close()} throws.
 *
 * <p>Misuse (wrong order, wrong byte count) throws {@link IllegalArgumentException} or
 * {@link IllegalStateException}; I/O failures throw {@link UncheckedIOException}.
 */
public final class SafetensorsWriter implements AutoCloseable {

    /** A tensor to write: its name, dtype name as a header spells it (size must be known), shape. */
    public record Entry(String name, String dtypeName, long[] shape) {
        public Entry {
            if (name == null || dtypeName == null || shape == null) {
                throw new IllegalArgumentException("name, dtype and shape are required");
            }
            if (name.equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException(name + " is reserved and cannot name a tensor");
            }
            if (SafetensorsDTypes.byteSize(dtypeName).isEmpty()) {
                throw new IllegalArgumentException("tensor " + name + ": dtype " + dtypeName
                        + " has no known size (known: " + SafetensorsDTypes.knownNames() + ")");
            }
            shape = shape.clone();
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor " + name + ": negative dimension in "
                            + Arrays.toString(shape));
                }
            }
            try {
                Math.multiplyExact(Tensor.elementCount(shape), (long) SafetensorsDTypes.byteSize(dtypeName).getAsInt());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                        + " of " + dtypeName + " overflows a 64-bit byte count");
            }
        }

        public static Entry of(String name, DType dtype, long... shape) {
            return new Entry(name, dtype.safetensorsName(), shape);
        }

        public static Entry of(String name, String dtypeName, long... shape) {
            return new Entry(name, dtypeName, shape);
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elementCount() {
            return Tensor.elementCount(shape);
        }

        /** Bytes of data: elements &times; dtype size. */
        public long byteSize() {
            return elementCount() * SafetensorsDTypes.byteSize(dtypeName).getAsInt();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtypeName.equals(e.dtypeName)
                    && Arrays.equals(shape, e.shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + dtypeName + Arrays.toString(shape);
        }
    }

    /** Supplies the data of one tensor of a sharded set by calling the writer's write methods for it. */
    @FunctionalInterface
    public interface TensorContent {
        void write(SafetensorsWriter writer, Entry entry);
    }

    private static final int STAGING_BYTES = 1 << 20;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final List<Entry> entries;
    private final FileChannel channel;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment staging;
    private final ByteBuffer stagingBuffer;
    private int next;
    private boolean inTensor;
    private long writtenOfCurrent;
    private boolean closed;

    private SafetensorsWriter(Path file, List<Entry> entries, FileChannel channel) {
        this.file = file;
        this.entries = entries;
        this.channel = channel;
        this.staging = arena.allocate(STAGING_BYTES, 8);
        this.stagingBuffer = staging.asByteBuffer();
    }

    /** Creates (or replaces) {@code file} and writes the header for {@code entries}. */
    public static SafetensorsWriter create(Path file, List<Entry> entries) {
        return create(file, entries, Map.of());
    }

    /** As {@link #create(Path, List)}, with extra "__metadata__" string entries besides "format": "pt". */
    public static SafetensorsWriter create(Path file, List<Entry> entries, Map<String, String> metadata) {
        List<Entry> copy = List.copyOf(entries);
        byte[] header = header(copy, metadata);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot create: " + e.getMessage(), e);
        }
        SafetensorsWriter writer = new SafetensorsWriter(file, copy, channel);
        try {
            writer.writeFully(ByteBuffer.wrap(header));
        } catch (RuntimeException e) {
            writer.abandon();
            throw e;
        }
        return writer;
    }

    /**
     * The bytes preceding the data of a file holding {@code entries} in this order: the 8-byte
     * little-endian header length and the JSON header, space-padded to a multiple of 8 bytes.
     */
    public static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = SafetensorsFile.JSON.createObjectNode();
        ObjectNode meta = root.putObject(SafetensorsFile.METADATA_KEY);
        meta.put("format", "pt");
        metadata.forEach(meta::put);
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Entry e : entries) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException("tensor " + e.name() + " declared twice");
            }
            ObjectNode node = root.putObject(e.name());
            node.put("dtype", e.dtypeName());
            ArrayNode shape = node.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            long end = offset + e.byteSize();
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = SafetensorsFile.JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** How many declared tensors have been written completely. */
    public int writtenCount() {
        return next;
    }

    /** Writes all of tensor {@code name}, which must be the next declared one, from raw little-endian bytes. */
    public void write(String name, MemorySegment data) {
        Entry entry = expectNext(name);
        if (data.byteSize() != entry.byteSize()) {
            throw new IllegalArgumentException(file + ": tensor " + name + ": " + data.byteSize()
                    + " bytes given but shape " + Arrays.toString(entry.shape) + " of " + entry.dtypeName()
                    + " needs " + entry.byteSize());
        }
        begin(name);
        append(data);
        end();
    }

    /** Writes all of tensor {@code name} (declared F32, BF16 or F16) from floats, rounding to its dtype. */
    public void writeFloats(String name, float[] values) {
        Entry entry = expectNext(name);
        DType dtype = DType.fromSafetensorsName(entry.dtypeName()).orElseThrow(() -> new IllegalArgumentException(
                file + ": tensor " + name + ": cannot write floats as " + entry.dtypeName()));
        if (values.length != entry.elementCount()) {
            throw new IllegalArgumentException(file + ": tensor " + name + ": " + values.length
                    + " values given but shape " + Arrays.toString(entry.shape) + " has " + entry.elementCount());
        }
        begin(name);
        int size = dtype.byteSize();
        int perChunk = STAGING_BYTES / size;
        for (int start = 0; start < values.length; start += perChunk) {
            int n = Math.min(perChunk, values.length - start);
            for (int i = 0; i < n; i++) {
                float v = values[start + i];
                switch (dtype) {
                    case F32 -> staging.set(F32_LE, (long) i * 4, v);
                    case BF16 -> staging.set(I16_LE, (long) i * 2, floatToBf16(v));
                    case F16 -> staging.set(I16_LE, (long) i * 2, Float.floatToFloat16(v));
                }
            }
            writeStaged((long) n * size);
            writtenOfCurrent += (long) n * size;
        }
        end();
    }

    /** Starts writing tensor {@code name}, which must be the next declared one; follow with {@link #append} and {@link #end}. */
    public void begin(String name) {
        expectNext(name);
        inTensor = true;
        writtenOfCurrent = 0;
    }

    /** Appends raw little-endian bytes to the tensor begun; never more than it declared. */
    public void append(MemorySegment chunk) {
        checkOpen();
        if (!inTensor) {
            throw new IllegalStateException(file + ": append without begin");
        }
        Entry entry = entries.get(next);
        if (chunk.byteSize() > entry.byteSize() - writtenOfCurrent) {
            throw new IllegalArgumentException(file + ": tensor " + entry.name() + ": "
                    + (writtenOfCurrent + chunk.byteSize()) + " bytes written but shape "
                    + Arrays.toString(entry.shape) + " of " + entry.dtypeName() + " needs only " + entry.byteSize());
        }
        for (long off = 0; off < chunk.byteSize(); off += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, chunk.byteSize() - off);
            MemorySegment.copy(chunk, off, staging, 0, n);
            writeStaged(n);
        }
        writtenOfCurrent += chunk.byteSize();
    }

    /** Appends raw bytes to the tensor begun. */
    public void append(byte[] chunk) {
        append(MemorySegment.ofArray(chunk));
    }

    /** Ends the tensor begun, which must have received exactly its declared byte count. */
    public void end() {
        checkOpen();
        if (!inTensor) {
            throw new IllegalStateException(file + ": end without begin");
        }
        Entry entry = entries.get(next);
        if (writtenOfCurrent != entry.byteSize()) {
            throw new IllegalArgumentException(file + ": tensor " + entry.name() + ": " + writtenOfCurrent
                    + " bytes written but shape " + Arrays.toString(entry.shape) + " of " + entry.dtypeName()
                    + " needs " + entry.byteSize());
        }
        inTensor = false;
        next++;
    }

    private Entry expectNext(String name) {
        checkOpen();
        if (inTensor) {
            throw new IllegalStateException(file + ": tensor " + entries.get(next).name() + " is not finished");
        }
        if (next >= entries.size()) {
            throw new IllegalStateException(file + ": tensor " + name + ": every declared tensor is already written");
        }
        Entry entry = entries.get(next);
        if (!entry.name().equals(name)) {
            throw new IllegalStateException(file + ": tensor " + name + " written out of order; "
                    + entry.name() + " is declared next");
        }
        return entry;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(file + ": writer is closed");
        }
    }

    private void writeStaged(long n) {
        stagingBuffer.clear().limit((int) n);
        writeFully(stagingBuffer);
    }

    private void writeFully(ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": write failed: " + e.getMessage(), e);
        }
    }

    /** Closes without completing and deletes the file. */
    private void abandon() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted anyway
        }
        arena.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /**
     * Finishes the file. If some declared tensor was not (fully) written, the incomplete file is
     * deleted and an {@link IllegalStateException} names the tensors missing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (next < entries.size()) {
            List<String> missing = entries.subList(next, entries.size()).stream().map(Entry::name).toList();
            abandon();
            throw new IllegalStateException(file + ": closed before every declared tensor was written; deleted it. "
                    + "Missing: " + (missing.size() > 5 ? missing.subList(0, 5) + " and " + (missing.size() - 5) + " more" : missing));
        }
        closed = true;
        arena.close();
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": close failed: " + e.getMessage(), e);
        }
    }

    /** float32 to bfloat16, rounding to nearest even; NaN stays NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    // ---- sharded sets -----------------------------------------------------------------------

    /** The shard file name Hugging Face uses: {@code model-00001-of-00003.safetensors}. */
    public static String shardName(int index, int count) {
        return String.format("model-%05d-of-%05d.safetensors", index + 1, count);
    }

    /**
     * Writes {@code entries} as a sharded set in {@code dir}: shards of at most {@code maxShardBytes}
     * of data (a larger tensor gets a shard of its own), in declaration order, plus
     * {@value Checkpoint#INDEX_FILE}. {@code content} is called once per tensor, in order, and must
     * write it completely. Returns the weight map (tensor name to shard file name).
     */
    public static Map<String, String> writeSharded(Path dir, List<Entry> entries, long maxShardBytes,
                                                   TensorContent content) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long currentBytes = 0;
        for (Entry e : entries) {
            if (!current.isEmpty() && currentBytes + e.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBytes += e.byteSize();
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = shardName(i, shards.size());
            try (SafetensorsWriter w = create(dir.resolve(shardName), shards.get(i))) {
                for (Entry e : shards.get(i)) {
                    int before = w.writtenCount();
                    content.write(w, e);
                    if (w.writtenCount() != before + 1) {
                        throw new IllegalStateException(w.file() + ": tensor " + e.name()
                                + " was not written completely by the content supplier");
                    }
                    weightMap.put(e.name(), shardName);
                    total += e.byteSize();
                }
            }
        }
        writeIndex(dir, weightMap, total);
        return weightMap;
    }

    /** Writes {@value Checkpoint#INDEX_FILE} in {@code dir}: {"metadata": {"total_size"}, "weight_map"}. */
    public static Path writeIndex(Path dir, Map<String, String> weightMap, long totalSize) {
        ObjectNode root = SafetensorsFile.JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        try {
            Files.writeString(index, SafetensorsFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(index + ": cannot write: " + e.getMessage(), e);
        }
        return index;
    }
}
