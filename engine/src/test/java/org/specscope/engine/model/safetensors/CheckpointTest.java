package org.specscope.engine.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.specscope.engine.model.safetensors.Fixtures.assertFormatError;

/**
 * A checkpoint is found in a model directory or opened from one file; what the engine requires of
 * it (a tensor, with a shape, of a dtype it computes with) is refused with a message that says
 * which file, which tensor and what was expected.
 */
class CheckpointTest {

    @TempDir
    Path dir;

    private Path twoTensorFile(Path file) {
        try (var w = SafetensorsWriter.create(file, List.of(
                Entry.of("model.layers.0.mlp.gate.weight", DType.BF16, 4, 8),
                Entry.of("model.embed_tokens.weight", DType.F32, 16, 8)))) {
            w.writeFloats("model.layers.0.mlp.gate.weight", new float[32]);
            w.writeFloats("model.embed_tokens.weight", new float[128]);
        }
        return file;
    }

    @Test
    void an_index_naming_a_missing_shard() {
        Fixtures.f32File(dir.resolve("model-00001-of-00002.safetensors"), "a", new long[] {1}, 1f);
        Path index = SafetensorsWriter.writeIndex(dir, Map.of(
                "a", "model-00001-of-00002.safetensors",
                "b", "model-00002-of-00002.safetensors"), 8);
        assertFormatError(() -> Checkpoint.open(dir), index, "model-00002-of-00002.safetensors", "does not exist",
                "for tensor b");
    }

    @Test
    void an_index_naming_a_tensor_its_shard_lacks() {
        Path shard = Fixtures.f32File(dir.resolve("model-00001-of-00001.safetensors"), "a", new long[] {1}, 1f);
        SafetensorsWriter.writeIndex(dir, Map.of("a", shard.getFileName().toString(),
                "lost", shard.getFileName().toString()), 8);
        assertFormatError(() -> Checkpoint.open(dir), shard, ": lost: ", "absent from this shard",
                Checkpoint.INDEX_FILE);
    }

    @Test
    void an_index_without_a_weight_map() throws IOException {
        Path index = Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\": {}}");
        assertFormatError(() -> Checkpoint.open(dir), index, "weight_map", "missing");
    }

    @Test
    void an_index_pointing_outside_the_model_directory() {
        Path index = SafetensorsWriter.writeIndex(dir, Map.of("a", "../elsewhere.safetensors"), 4);
        assertFormatError(() -> Checkpoint.open(dir), index, "../elsewhere.safetensors", "outside the model directory");
    }

    @Test
    void a_missing_tensor_suggests_names_differing_by_a_prefix_or_suffix() {
        Path file = twoTensorFile(dir.resolve("model.safetensors"));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFormatError(() -> checkpoint.require("layers.0.mlp.gate.weight", 4, 8), file,
                    ": layers.0.mlp.gate.weight: ", "missing tensor (expected shape [4, 8])",
                    "did you mean \"model.layers.0.mlp.gate.weight\"");
            assertFormatError(() -> checkpoint.require("transformer.embed_tokens.weight", 16, 8), file,
                    "missing tensor", "did you mean \"model.embed_tokens.weight\"");
            assertFormatError(() -> checkpoint.require("lm_head.bias", 16), file,
                    "missing tensor (expected shape [16])", "holds 2 tensors, such as model.embed_tokens.weight");
        }
    }

    @Test
    void a_missing_tensor_in_a_sharded_set_names_the_directory() {
        SafetensorsWriter.writeSharded(dir, List.of(Entry.of("a", DType.F32, 1), Entry.of("b", DType.F32, 1)), 4,
                (w, e) -> w.writeFloats(e.name(), new float[1]));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFormatError(() -> checkpoint.require("c", 1), dir, ": c: ", "missing tensor");
        }
    }

    @Test
    void a_tensor_of_the_wrong_shape() {
        Path file = twoTensorFile(dir.resolve("model.safetensors"));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFormatError(() -> checkpoint.require("model.layers.0.mlp.gate.weight", 8, 4), file,
                    ": model.layers.0.mlp.gate.weight: ", "expected [8, 4]", "has [4, 8]");
        }
    }

    @Test
    void a_tensor_of_a_dtype_specscope_does_not_compute_with() {
        Path file = dir.resolve("model.safetensors");
        try (var w = SafetensorsWriter.create(file, List.of(Entry.of("w64", "F64", 2), Entry.of("ids", "I64", 2)))) {
            w.write("w64", MemorySegment.ofArray(new byte[16]));
            w.write("ids", MemorySegment.ofArray(new byte[16]));
        }
        try (Checkpoint checkpoint = Checkpoint.open(file)) {
            assertFormatError(() -> checkpoint.require("w64", 2), file, ": w64: ", "dtype F64 is not supported",
                    "F32, BF16, F16");
            assertFormatError(() -> checkpoint.find("ids"), file, ": ids: ", "dtype I64 is not supported");
            assertThat(checkpoint.info("ids").orElseThrow().dtypeName()).isEqualTo("I64");
            assertThat(checkpoint.bytesByDTypeName()).isEqualTo(Map.of("F64", 16L, "I64", 16L));
        }
    }

    @Test
    void a_directory_without_any_safetensors() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertFormatError(() -> Checkpoint.open(dir), dir, "no safetensors checkpoint found",
                Checkpoint.INDEX_FILE, Checkpoint.SINGLE_FILE, "*.safetensors");
    }

    @Test
    void a_directory_with_only_a_pytorch_checkpoint() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {0x50, 0x4b});
        assertFormatError(() -> Checkpoint.open(dir), dir, "pytorch_model.bin",
                "PyTorch .bin checkpoints are not supported", "converted to safetensors");
        Path bin = dir.resolve("pytorch_model.bin");
        assertFormatError(() -> Checkpoint.open(bin), bin, "PyTorch .bin checkpoints are not supported");
    }

    @Test
    void a_directory_with_several_safetensors_files_but_no_index() {
        Fixtures.f32File(dir.resolve("a.safetensors"), "a", new long[] {1}, 1f);
        Fixtures.f32File(dir.resolve("b.safetensors"), "b", new long[] {1}, 1f);
        assertFormatError(() -> Checkpoint.open(dir), dir, "a.safetensors, b.safetensors", "no " + Checkpoint.INDEX_FILE);
    }

    @Test
    void a_broken_shard_is_reported_by_its_own_name() throws IOException {
        Fixtures.f32File(dir.resolve("good.safetensors"), "a", new long[] {1}, 1f);
        Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[0]);
        SafetensorsWriter.writeIndex(dir, Map.of("a", "good.safetensors", "b", "bad.safetensors"), 8);
        assertFormatError(() -> Checkpoint.open(dir), bad, "file is empty");
    }

    @Test
    void an_index_file_opened_directly_opens_its_set() {
        SafetensorsWriter.writeSharded(dir, List.of(Entry.of("a", DType.F32, 1)), 1024,
                (w, e) -> w.writeFloats(e.name(), new float[] {3f}));
        try (TensorSource source = TensorSource.open(dir.resolve(Checkpoint.INDEX_FILE))) {
            assertThat(source.require("a", 1).getFloat(0)).isEqualTo(3f);
        }
    }
}
