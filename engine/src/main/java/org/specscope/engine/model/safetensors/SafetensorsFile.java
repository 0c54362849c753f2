package org.specscope.engine.model.safetensors;

import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.model.safetensors.TensorSource.TensorInfo;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One safetensors file, memory-mapped read-only and validated when opened.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data
 * section, which starts at byte 8 + N), then the data. Opening checks everything a reader could
 * trip over later (header bounds, JSON shape of every entry, byte ranges inside the data section,
 * sizes matching shape &times; dtype, no overlaps), so a file that opens can be read without
 * further checks. Every problem is reported as a {@link ModelFormatException} naming this file.
 *
 * <p>The whole file is mapped once into a shared arena (files over 2 GB included); tensors are
 * zero-copy slices of that mapping, readable from any thread, valid until {@link #close()}.
 * {@link TensorInfo#dataStart()} and {@link TensorInfo#dataEnd()} are absolute byte offsets
 * within the file.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final long dataSectionOffset;
    private final Map<String, TensorInfo> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapping, long dataSectionOffset,
                            Map<String, TensorInfo> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.dataSectionOffset = dataSectionOffset;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Maps and validates {@code file}; a {@link ModelFormatException} names the file and what is wrong. */
    public static SafetensorsFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new ModelFormatException(file, null, "is a directory, expected a .safetensors file");
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size == 0) {
                    throw new ModelFormatException(file, null,
                            "file is empty (expected an 8-byte header length, a JSON header and tensor data)");
                }
                if (size < Long.BYTES) {
                    throw new ModelFormatException(file, "header length",
                            "file has only " + size + " bytes, too short for the 8-byte header length");
                }
                mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            SafetensorsFile parsed = parse(file, arena, mapping);
            arena = null; // owned by the SafetensorsFile now
            return parsed;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, null, "no such file", e);
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot read: " + e, e);
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static SafetensorsFile parse(Path file, Arena arena, MemorySegment mapping) {
        long size = mapping.byteSize();
        long headerLength = mapping.get(U64_LE, 0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(file, "header length", Long.toUnsignedString(headerLength)
                    + " bytes exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (headerLength > size - Long.BYTES) {
            throw new ModelFormatException(file, "header length", headerLength
                    + " bytes reaches past the end of the file, which has only " + (size - Long.BYTES)
                    + " bytes after the 8-byte length (truncated, or not a safetensors file?)");
        }
        long dataSectionOffset = Long.BYTES + headerLength;
        long dataLength = size - dataSectionOffset;

        byte[] headerBytes = mapping.asSlice(Long.BYTES, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = JSON.readTree(headerBytes);
        } catch (JacksonException e) {
            throw new ModelFormatException(file, "header", "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelFormatException(file, "header", "is empty, expected a JSON object");
        }
        if (!root.isObject()) {
            throw new ModelFormatException(file, "header",
                    "must be a JSON object mapping tensor names to entries, found " + describe(root));
        }

        Map<String, TensorInfo> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            String name = property.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(property.getValue(), metadata);
                continue;
            }
            entries.put(name, parseEntry(file, name, property.getValue(), dataSectionOffset, dataLength));
        }
        checkNoOverlap(file, entries.values(), dataSectionOffset);
        return new SafetensorsFile(file, arena, mapping, dataSectionOffset, entries, metadata);
    }

    /** "__metadata__" is free-form: string values are kept, anything else is ignored. */
    private static void readMetadata(JsonNode node, Map<String, String> metadata) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getValue().isString()) {
                    metadata.put(e.getKey(), e.getValue().stringValue());
                }
            }
        }
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode node, long dataSectionOffset,
                                         long dataLength) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, name, "header entry must be an object with \"dtype\", \"shape\" "
                    + "and \"data_offsets\", found " + describe(node));
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null) {
            throw new ModelFormatException(file, name, "header entry has no \"dtype\"");
        }
        if (!dtypeNode.isString() || dtypeNode.stringValue().isEmpty()) {
            throw new ModelFormatException(file, name,
                    "\"dtype\" must be a non-empty string such as \"BF16\", found " + describe(dtypeNode));
        }
        String dtypeName = dtypeNode.stringValue();

        long[] shape = nonNegativeIntegers(file, name, "shape", node.get("shape"), -1);
        long[] offsets = nonNegativeIntegers(file, name, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new ModelFormatException(file, name,
                    "\"data_offsets\" " + Arrays.toString(offsets) + " begin after they end");
        }
        if (end > dataLength) {
            throw new ModelFormatException(file, name, "\"data_offsets\" " + Arrays.toString(offsets)
                    + " reach past the end of the data section, which has only " + dataLength
                    + " bytes: the file is truncated or the offsets are wrong");
        }

        OptionalInt elementSize = SafetensorsDTypes.byteSize(dtypeName);
        long elements;
        try {
            elements = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file, name, "\"shape\" " + Arrays.toString(shape)
                    + " has more elements than a 64-bit count can hold");
        }
        if (elementSize.isPresent()) {
            long expected;
            try {
                expected = Math.multiplyExact(elements, (long) elementSize.getAsInt());
            } catch (ArithmeticException e) {
                expected = -1;
            }
            if (expected != end - begin) {
                throw new ModelFormatException(file, name, "\"data_offsets\" " + Arrays.toString(offsets)
                        + " span " + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of "
                        + dtypeName + " needs " + (expected < 0 ? "more than 2^63" : Long.toString(expected))
                        + " bytes");
            }
        }
        Optional<DType> dtype = DType.fromSafetensorsName(dtypeName);
        return new TensorInfo(name, dtypeName, dtype, shape, file, dataSectionOffset + begin, dataSectionOffset + end);
    }

    /** A JSON array of non-negative integers that fit a long; {@code length} -1 for any length. */
    private static long[] nonNegativeIntegers(Path file, String tensor, String key, JsonNode node, int length) {
        String what = length < 0 ? "an array of non-negative integers" : "an array of " + length + " non-negative integers";
        if (node == null) {
            throw new ModelFormatException(file, tensor, "header entry has no \"" + key + "\" (expected " + what + ")");
        }
        if (!node.isArray() || (length >= 0 && node.size() != length)) {
            throw new ModelFormatException(file, tensor, "\"" + key + "\" must be " + what + ", found " + describe(node));
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new ModelFormatException(file, tensor, "\"" + key + "\" must be " + what + ", found "
                        + describe(v) + " at index " + i + " of " + describe(node));
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static void checkNoOverlap(Path file, Collection<TensorInfo> infos, long dataSectionOffset) {
        List<TensorInfo> sorted = new ArrayList<>(infos.size());
        for (TensorInfo info : infos) {
            if (info.byteSize() > 0) {
                sorted.add(info);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::dataStart).thenComparingLong(TensorInfo::dataEnd));
        TensorInfo reaching = null; // the range seen so far that ends last
        for (TensorInfo info : sorted) {
            if (reaching != null && info.dataStart() < reaching.dataEnd()) {
                throw new ModelFormatException(file, info.name(), "\"data_offsets\" "
                        + relative(info, dataSectionOffset) + " overlap those of tensor " + reaching.name() + " "
                        + relative(reaching, dataSectionOffset));
            }
            if (reaching == null || info.dataEnd() > reaching.dataEnd()) {
                reaching = info;
            }
        }
    }

    private static String relative(TensorInfo info, long dataSectionOffset) {
        return "[" + (info.dataStart() - dataSectionOffset) + ", " + (info.dataEnd() - dataSectionOffset) + "]";
    }

    /** A short rendering of a JSON value for messages. */
    static String describe(JsonNode node) {
        String text = node.toString();
        if (node.isNull()) {
            return "null";
        }
        String kind = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return kind + " " + text;
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return mapping.byteSize();
    }

    /** Absolute offset of the data section (8 + header length; a multiple of 8 for files we write). */
    public long dataSectionOffset() {
        return dataSectionOffset;
    }

    /** The whole file as mapped; tensors are slices of it. */
    public MemorySegment mapping() {
        checkOpen();
        return mapping;
    }

    /** The string entries of "__metadata__" (such as "format": "pt"); empty when there is none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return entries.keySet();
    }

    /** Header entries in header order. */
    public Collection<TensorInfo> infos() {
        return entries.values();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Raw little-endian bytes of a tensor of any dtype (zero copy); {@link ModelFormatException} when absent. */
    public MemorySegment bytes(String name) {
        TensorInfo info = entries.get(name);
        if (info == null) {
            throw new ModelFormatException(path, name, "missing tensor");
        }
        checkOpen();
        return mapping.asSlice(info.dataStart(), info.byteSize());
    }

    /**
     * The tensor as a zero-copy view, or empty when the file lacks it. A tensor whose dtype SpecScope
     * does not compute with fails with a {@link ModelFormatException} naming file, tensor and dtype.
     */
    public Optional<Tensor> find(String name) {
        TensorInfo info = entries.get(name);
        if (info == null) {
            return Optional.empty();
        }
        return Optional.of(toTensor(info));
    }

    /** The tensor, which must be present and of a supported dtype. */
    public Tensor tensor(String name) {
        TensorInfo info = entries.get(name);
        if (info == null) {
            throw new ModelFormatException(path, name, "missing tensor");
        }
        return toTensor(info);
    }

    private Tensor toTensor(TensorInfo info) {
        DType dtype = info.dtype().orElseThrow(() -> new ModelFormatException(path, info.name(),
                "dtype " + info.dtypeName() + " is not supported for weights (supported: "
                        + SafetensorsDTypes.supportedList() + ")"));
        checkOpen();
        return new Tensor(info.name(), dtype, info.shape(), mapping.asSlice(info.dataStart(), info.byteSize()));
    }

    private void checkOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(path + ": already closed");
        }
    }

    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /** Unmaps the file; tensors obtained from it must not be used afterwards. Idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + entries.size() + " tensors]";
    }
}
