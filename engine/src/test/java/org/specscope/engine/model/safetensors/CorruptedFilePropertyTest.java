package org.specscope.engine.model.safetensors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whatever is done to the bytes of a valid file, opening it and reading every tensor either
 * works or fails with a {@link ModelFormatException}: no index, number-format, JSON-library or
 * null-pointer exception ever leaks out.
 */
class CorruptedFilePropertyTest {

    private static Path dir;
    private static byte[] valid;
    private static int headerEnd;

    @BeforeContainer
    static void writeValidFile() throws IOException {
        dir = Files.createTempDirectory("safetensors-corruption");
        Path file = dir.resolve("valid.safetensors");
        try (var w = SafetensorsWriter.create(file, List.of(
                Entry.of("a", DType.F32, 2, 3),
                Entry.of("b", DType.BF16, 4),
                Entry.of("c", DType.F16, 2, 2),
                Entry.of("ids", "I64", 3),
                Entry.of("empty", DType.F32, 0, 4),
                Entry.of("scalar", DType.F32),
                Entry.of("mask", "BOOL", 5)))) {
            w.writeFloats("a", new float[] {1, 2, 3, 4, 5, 6});
            w.writeFloats("b", new float[] {1, 2, 3, 4});
            w.writeFloats("c", new float[] {1, 2, 3, 4});
            w.write("ids", MemorySegment.ofArray(new long[] {1, 2, 3}));
            w.writeFloats("empty", new float[0]);
            w.writeFloats("scalar", new float[] {9});
            w.write("mask", MemorySegment.ofArray(new byte[] {1, 0, 1, 0, 1}));
        }
        valid = Files.readAllBytes(file);
        headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    record Mutation(int position, byte value) {
    }

    record Corruption(List<Mutation> mutations, Integer truncateTo) {
        byte[] applyTo(byte[] original) {
            byte[] bytes = original.clone();
            for (Mutation m : mutations) {
                if (m.position() < bytes.length) {
                    bytes[m.position()] = m.value();
                }
            }
            return truncateTo == null ? bytes : Arrays.copyOf(bytes, Math.min(truncateTo, bytes.length));
        }
    }

    @Property(tries = 700)
    void corrupted_bytes_open_or_fail_with_a_format_error(@ForAll("corruptions") Corruption corruption) {
        openAndReadEverything(corruption.applyTo(valid));
    }

    @Provide
    Arbitrary<Corruption> corruptions() {
        Arbitrary<Integer> position = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(0, 7)),
                Tuple.of(8, Arbitraries.integers().between(8, headerEnd - 1)),
                Tuple.of(1, Arbitraries.integers().between(0, valid.length - 1)));
        Arbitrary<Byte> value = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.bytes()),
                Tuple.of(2, Arbitraries.of("0123456789-.,:eE[]{}\" \\nul".chars()
                        .mapToObj(ch -> (byte) ch).toList())));
        Arbitrary<List<Mutation>> mutations = Combinators.combine(position, value).as(Mutation::new)
                .list().ofMinSize(0).ofMaxSize(4);
        Arbitrary<Integer> truncation = Arbitraries.integers().between(0, valid.length).injectNull(0.85);
        return Combinators.combine(mutations, truncation).as(Corruption::new)
                .filter(c -> !c.mutations().isEmpty() || c.truncateTo() != null);
    }

    /** A JSON value of the header (a string or a number) replaced by another JSON text. */
    record Edit(int token, String replacement) {
    }

    private static final Pattern JSON_SCALAR = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");

    @Property(tries = 500)
    void rewritten_header_values_open_or_fail_with_a_format_error(@ForAll("edits") List<Edit> edits) {
        String header = new String(valid, 8, headerEnd - 8, StandardCharsets.UTF_8);
        List<int[]> tokens = new ArrayList<>();
        Matcher m = JSON_SCALAR.matcher(header);
        while (m.find()) {
            tokens.add(new int[] {m.start(), m.end()});
        }
        // Replace from the end so earlier spans stay valid; one edit per token.
        int[] indices = edits.stream().mapToInt(e -> e.token() % tokens.size()).toArray();
        Integer[] order = new Integer[edits.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> indices[i]).reversed());
        StringBuilder edited = new StringBuilder(header);
        int last = -1;
        for (int i : order) {
            if (indices[i] == last) {
                continue;
            }
            last = indices[i];
            int[] span = tokens.get(indices[i]);
            edited.replace(span[0], span[1], edits.get(i).replacement());
        }
        byte[] json = edited.toString().getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(valid, headerEnd, valid.length);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json).put(data);
        openAndReadEverything(file.array());
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> replacement = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.integers().between(0, 80).map(String::valueOf),
                Arbitraries.of("-1", "0", "1e3", "2.5", "-0", "18446744073709551616", "9223372036854775807",
                        "4294967296", "null", "true", "\"F32\"", "\"F64\"", "\"BF16\"", "\"F16\"", "\"I64\"",
                        "\"X\"", "\"\"", "[]", "{}", "[0, 8]", "[1, 2, 3]", "\"__metadata__\"", "\"a\"",
                        "\"dtype\"", "\"shape\"", "\"data_offsets\""));
        return Combinators.combine(Arbitraries.integers().between(0, 1000), replacement).as(Edit::new)
                .list().ofMinSize(1).ofMaxSize(3);
    }

    private static void openAndReadEverything(byte[] bytes) {
        Path file = dir.resolve("mutant.safetensors");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String outcome;
        try (Checkpoint checkpoint = Checkpoint.open(file)) {
            checkpoint.totalBytes();
            checkpoint.bytesByDTypeName();
            int unsupported = 0;
            for (String name : checkpoint.names()) {
                TensorSource.TensorInfo info = checkpoint.info(name).orElseThrow();
                try {
                    Tensor t = checkpoint.require(name, info.shape());
                    long n = t.elementCount();
                    if (n > 0) {
                        t.getFloat(0);
                        t.getFloat(n - 1);
                    }
                } catch (ModelFormatException e) {
                    unsupported++;
                }
                checkpoint.fileOf(name).orElseThrow().bytes(name);
            }
            outcome = "opened, " + unsupported + " tensors of unsupported dtype";
        } catch (ModelFormatException e) {
            outcome = "refused: " + (e.field() == null ? "file" : e.field().equals("header")
                    || e.field().equals("header length") ? e.field() : "entry");
        }
        Statistics.collect(outcome);
    }
}
