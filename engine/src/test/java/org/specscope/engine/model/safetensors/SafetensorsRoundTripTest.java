package org.specscope.engine.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the writer writes, the reader reads back: values, shapes, dtypes, without copying. */
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private static final float[] EXACT = {0f, 1f, -2.5f, 0.15625f, 1024f, -0.0078125f};

    @Test
    void f32_bf16_and_f16_values_come_back_through_getFloat() throws Exception {
        Path file = dir.resolve("model.safetensors");
        float[] precise = {0.1f, -3.14159f, 1e-20f, 6.5e4f, Float.MIN_NORMAL, -1e30f};
        try (var w = SafetensorsWriter.create(file, List.of(
                Entry.of("f32", DType.F32, 2, 3),
                Entry.of("bf16", DType.BF16, 3, 2),
                Entry.of("f16", DType.F16, 6),
                Entry.of("f32.precise", DType.F32, 6)))) {
            w.writeFloats("f32", EXACT);
            w.writeFloats("bf16", EXACT);
            w.writeFloats("f16", EXACT);
            w.writeFloats("f32.precise", precise);
        }

        try (TensorSource source = TensorSource.open(file)) {
            Tensor f32 = source.require("f32", 2, 3);
            Tensor bf16 = source.require("bf16", 3, 2);
            Tensor f16 = source.require("f16", 6);
            Tensor f32Precise = source.require("f32.precise", 6);
            assertThat(f32.dtype()).isEqualTo(DType.F32);
            assertThat(bf16.dtype()).isEqualTo(DType.BF16);
            assertThat(f16.dtype()).isEqualTo(DType.F16);
            for (int i = 0; i < EXACT.length; i++) {
                assertThat(f32.getFloat(i)).isEqualTo(EXACT[i]);
                assertThat(bf16.getFloat(i)).isEqualTo(EXACT[i]);
                assertThat(f16.getFloat(i)).isEqualTo(EXACT[i]);
                assertThat(f32Precise.getFloat(i)).isEqualTo(precise[i]);
            }
            assertThat(source.names()).containsExactly("f32", "bf16", "f16", "f32.precise");
            assertThat(source.location()).isEqualTo(file);
            assertThat(source.totalBytes()).isEqualTo(24 + 12 + 12 + 24);
            assertThat(source.bytesByDTypeName()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("F32", 48L, "BF16", 12L, "F16", 12L));
        }
    }

    @Test
    void bf16_rounds_to_nearest_even_when_writing_floats() {
        assertThat(SafetensorsWriter.floatToBf16(1f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa, 1.
        assertThat(Tensor.bf16ToFloat(SafetensorsWriter.floatToBf16(1.00390625f))).isEqualTo(1f);
        assertThat(Tensor.bf16ToFloat(SafetensorsWriter.floatToBf16(1.01171875f))).isEqualTo(1.015625f);
        assertThat(Tensor.bf16ToFloat(SafetensorsWriter.floatToBf16(Float.NaN))).isNaN();
    }

    @Test
    void header_carries_format_pt_and_is_space_padded_so_data_is_8_byte_aligned() throws Exception {
        for (String name : List.of("a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh")) {
            Path file = Fixtures.f32File(dir.resolve(name + ".safetensors"), name, new long[] {1}, 7f);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.dataSectionOffset() % 8).isZero();
                assertThat(f.metadata()).containsEntry("format", "pt");
                String header = new String(Files.readAllBytes(file), 8, (int) f.dataSectionOffset() - 8,
                        StandardCharsets.UTF_8);
                assertThat(header).startsWith("{").matches("(?s)\\{.*\\} *");
                assertThat(f.tensor(name).getFloat(0)).isEqualTo(7f);
            }
        }
    }

    @Test
    void tensors_are_zero_copy_slices_of_the_mapped_file() {
        Path file = Fixtures.f32File(dir.resolve("w.safetensors"), "w", new long[] {2, 2}, 1, 2, 3, 4);
        try (Checkpoint checkpoint = Checkpoint.open(file)) {
            Tensor first = checkpoint.require("w", 2, 2);
            Tensor second = checkpoint.find("w").orElseThrow();
            assertThat(second.data().address()).isEqualTo(first.data().address());

            SafetensorsFile f = checkpoint.files().getFirst();
            TensorSource.TensorInfo info = checkpoint.info("w").orElseThrow();
            MemorySegment mapping = f.mapping();
            assertThat(first.data().isMapped()).isTrue();
            assertThat(first.data().address()).isEqualTo(mapping.address() + info.dataStart());
            assertThat(mapping.asSlice(info.dataStart(), info.byteSize()).mismatch(first.data())).isEqualTo(-1);
            assertThat(info.file()).isEqualTo(file);
            assertThat(info.dataEnd()).isEqualTo(f.fileSize());
        }
    }

    @Test
    void tensors_of_any_known_dtype_are_described_and_their_bytes_readable() {
        Path file = dir.resolve("mixed.safetensors");
        byte[] ids = new byte[24];
        ids[0] = 42;
        try (var w = SafetensorsWriter.create(file, List.of(
                Entry.of("position_ids", "I64", 3), Entry.of("mask", "BOOL", 5), Entry.of("empty", DType.F32, 0, 4),
                Entry.of("scale", DType.F32)))) {
            w.write("position_ids", MemorySegment.ofArray(ids));
            w.write("mask", MemorySegment.ofArray(new byte[5]));
            w.writeFloats("empty", new float[0]);
            w.writeFloats("scale", new float[] {0.5f});
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            TensorSource.TensorInfo info = f.info("position_ids").orElseThrow();
            assertThat(info.dtypeName()).isEqualTo("I64");
            assertThat(info.dtype()).isEmpty();
            assertThat(info.shape()).containsExactly(3);
            assertThat(f.bytes("position_ids").get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 42);
            assertThat(f.tensor("empty").elementCount()).isZero();
            assertThat(f.tensor("scale").rank()).isZero();
            assertThat(f.tensor("scale").getFloat(0)).isEqualTo(0.5f);
        }
    }

    @Test
    void chunked_writing_streams_a_tensor_in_pieces() {
        Path file = dir.resolve("chunks.safetensors");
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        try (var w = SafetensorsWriter.create(file, List.of(Entry.of("big", DType.F32, 1000)))) {
            MemorySegment all = MemorySegment.ofArray(values);
            w.begin("big");
            for (long off = 0; off < all.byteSize(); off += 1000) {
                w.append(all.asSlice(off, Math.min(1000, all.byteSize() - off)));
            }
            w.end();
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Tensor big = f.tensor("big");
            for (int i = 0; i < values.length; i++) {
                assertThat(big.getFloat(i)).isEqualTo(values[i]);
            }
        }
    }

    @Test
    void the_writer_checks_every_tensors_byte_count_and_order() {
        Path file = dir.resolve("checked.safetensors");
        List<Entry> entries = List.of(Entry.of("a", DType.F32, 2), Entry.of("b", DType.BF16, 2));
        try (var w = SafetensorsWriter.create(file, entries)) {
            assertThatThrownBy(() -> w.write("a", MemorySegment.ofArray(new byte[7])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a").hasMessageContaining("needs 8");
            assertThatThrownBy(() -> w.writeFloats("b", new float[2]))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a is declared next");
            w.begin("a");
            w.append(new byte[4]);
            assertThatThrownBy(() -> w.append(new byte[5])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(w::end).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bytes written");
            w.append(new byte[4]);
            w.end();
            w.writeFloats("b", new float[] {1, 2});
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensor("b").getFloat(1)).isEqualTo(2f);
        }
    }

    @Test
    void a_writer_closed_before_every_tensor_is_written_deletes_the_incomplete_file() {
        Path file = dir.resolve("incomplete.safetensors");
        var w = SafetensorsWriter.create(file, List.of(Entry.of("a", DType.F32, 1), Entry.of("b", DType.F32, 1)));
        w.writeFloats("a", new float[] {1});
        assertThatThrownBy(w::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("b");
        assertThat(file).doesNotExist();
    }

    @Test
    void a_sharded_set_reads_back_through_its_index() {
        List<Entry> entries = List.of(
                Entry.of("model.embed_tokens.weight", DType.BF16, 8, 4),
                Entry.of("model.layers.0.w", DType.F32, 4, 4),
                Entry.of("model.layers.1.w", DType.F16, 4, 4),
                Entry.of("lm_head.weight", DType.F32, 8, 4));
        Map<String, String> weightMap = SafetensorsWriter.writeSharded(dir, entries, 100, (w, e) -> {
            float[] v = new float[(int) e.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i + e.name().length();
            }
            w.writeFloats(e.name(), v);
        });
        assertThat(weightMap).containsOnlyKeys("model.embed_tokens.weight", "model.layers.0.w", "model.layers.1.w",
                "lm_head.weight");
        assertThat(weightMap.values()).contains("model-00001-of-00003.safetensors", "model-00003-of-00003.safetensors");
        assertThat(dir.resolve(Checkpoint.INDEX_FILE)).exists();

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.location()).isEqualTo(dir);
            assertThat(checkpoint.files()).hasSize(3);
            assertThat(checkpoint.names()).containsExactlyElementsOf(weightMap.keySet());
            for (Entry e : entries) {
                Tensor t = checkpoint.require(e.name(), e.shape());
                assertThat(t.dtype().safetensorsName()).isEqualTo(e.dtypeName());
                assertThat(t.getFloat(3)).isEqualTo(3 + e.name().length());
                assertThat(checkpoint.info(e.name()).orElseThrow().file().getFileName())
                        .hasToString(weightMap.get(e.name()));
            }
            assertThat(checkpoint.totalBytes()).isEqualTo(64 + 64 + 32 + 128);
            assertThat(checkpoint.bytesByDTypeName()).isEqualTo(Map.of("BF16", 64L, "F32", 192L, "F16", 32L));
            assertThat(checkpoint.find("nope")).isEmpty();
            assertThat(checkpoint.info("nope")).isEmpty();
        }
    }

    @Test
    void a_shard_may_hold_tensors_its_index_does_not_name() {
        try (var w = SafetensorsWriter.create(dir.resolve("part.safetensors"),
                List.of(Entry.of("listed", DType.F32, 1), Entry.of("extra", DType.F32, 1)))) {
            w.writeFloats("listed", new float[] {1f});
            w.writeFloats("extra", new float[] {2f});
        }
        SafetensorsWriter.writeIndex(dir, Map.of("listed", "part.safetensors"), 4);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.require("listed", 1).getFloat(0)).isEqualTo(1f);
            assertThat(checkpoint.require("extra", 1).getFloat(0)).isEqualTo(2f);
        }
    }

    @Test
    void a_directory_opens_model_safetensors_or_its_only_safetensors_file() {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        Fixtures.f32File(mkdir(one).resolve("model.safetensors"), "w", new long[] {1}, 1f);
        Fixtures.f32File(mkdir(two).resolve("consolidated.safetensors"), "w", new long[] {1}, 2f);
        try (TensorSource a = TensorSource.open(one); TensorSource b = TensorSource.open(two)) {
            assertThat(a.require("w", 1).getFloat(0)).isEqualTo(1f);
            assertThat(b.require("w", 1).getFloat(0)).isEqualTo(2f);
            assertThat(a.location()).isEqualTo(one);
        }
    }

    @Test
    void close_unmaps_every_shard() {
        SafetensorsWriter.writeSharded(dir, List.of(Entry.of("a", DType.F32, 4), Entry.of("b", DType.F32, 4)), 16,
                (w, e) -> w.writeFloats(e.name(), new float[4]));
        Checkpoint checkpoint = Checkpoint.open(dir);
        assertThat(checkpoint.files()).hasSize(2).allMatch(SafetensorsFile::isOpen);
        checkpoint.close();
        assertThat(checkpoint.files()).noneMatch(SafetensorsFile::isOpen);
        checkpoint.close(); // idempotent
    }

    private static Path mkdir(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
