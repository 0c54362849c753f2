package org.specscope.engine.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.specscope.engine.model.safetensors.Fixtures.assertFormatError;
import static org.specscope.engine.model.safetensors.Fixtures.rawFile;

/**
 * A safetensors file that lies about itself is refused when opened, with a message naming the
 * file and the field or tensor at fault, never with a stray runtime exception later.
 */
class MalformedFileTest {

    @TempDir
    Path dir;

    private Path file(String name) {
        return dir.resolve(name);
    }

    @Test
    void a_missing_file() {
        Path absent = file("absent.safetensors");
        assertFormatError(() -> SafetensorsFile.open(absent), absent, "no such file");
        assertFormatError(() -> Checkpoint.open(absent), absent, "no such file or directory");
    }

    @Test
    void an_empty_file() {
        Path empty = Fixtures.write(file("empty.safetensors"), new byte[0]);
        assertFormatError(() -> SafetensorsFile.open(empty), empty, "file is empty");
    }

    @Test
    void a_file_shorter_than_the_header_length_field() {
        Path tiny = Fixtures.write(file("tiny.safetensors"), new byte[] {1, 0, 0});
        assertFormatError(() -> SafetensorsFile.open(tiny), tiny, "header length", "only 3 bytes");
    }

    @Test
    void a_header_length_beyond_the_file_size() {
        Path f = rawFile(file("long.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8));
        assertFormatError(() -> SafetensorsFile.open(f), f, "header length", "1000 bytes", "past the end of the file");
    }

    @Test
    void a_header_length_beyond_100_MB() {
        Path f = rawFile(file("huge-header.safetensors"), 200_000_000L, new byte[16]);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header length", "exceeds the limit");
        Path negative = rawFile(file("negative-header.safetensors"), -8, new byte[16]);
        assertFormatError(() -> SafetensorsFile.open(negative), negative, "header length", "exceeds the limit");
    }

    @Test
    void a_header_that_is_not_json() {
        Path f = rawFile(file("garbage.safetensors"), "{\"w\": {\"dtype\": F32", 0);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "not valid JSON");
    }

    @Test
    void a_header_with_trailing_garbage_after_the_json() {
        Path f = rawFile(file("trailing.safetensors"), "{} {}", 0);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "not valid JSON");
    }

    @Test
    void a_header_nested_too_deeply_for_a_json_parser() {
        Path f = rawFile(file("deep.safetensors"), "[".repeat(200_000) + "]".repeat(200_000), 0);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "not valid JSON");
    }

    @Test
    void a_header_that_is_not_utf8() {
        Path f = rawFile(file("latin1.safetensors"), 2, new byte[] {'"', (byte) 0xE9, '"', '}'});
        Path g = rawFile(file("latin1-name.safetensors"), 4, new byte[] {'{', '"', (byte) 0xFF, '"'});
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "not valid JSON");
        assertFormatError(() -> SafetensorsFile.open(g), g, "header", "not valid JSON");
    }

    @Test
    void a_header_that_is_json_but_not_an_object() {
        Path f = rawFile(file("array.safetensors"), "[1, 2, 3]", 0);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "must be a JSON object", "array");
    }

    @Test
    void a_header_naming_a_tensor_twice() {
        Path f = rawFile(file("twice.safetensors"), """
                {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                 "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8);
        assertFormatError(() -> SafetensorsFile.open(f), f, "header", "w");
    }

    @Test
    void an_entry_that_is_not_an_object() {
        Path f = rawFile(file("entry.safetensors"), "{\"w\": [0, 4]}", 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "must be an object");
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource(delimiter = '|', value = {
            "dtype        | {\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}",
            "shape        | {\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}",
            "data_offsets | {\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}"})
    void an_entry_without_a_required_field(String field, String header) {
        Path f = rawFile(file("no-" + field + ".safetensors"), header, 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "has no \"" + field + "\"");
    }

    @Test
    void a_dtype_that_is_not_a_string() {
        Path f = rawFile(file("dtype.safetensors"), "{\"w\": {\"dtype\": 4, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "\"dtype\" must be a non-empty string");
    }

    @ParameterizedTest(name = "shape {0}")
    @ValueSource(strings = {"[-1]", "[2.5]", "[1e3]", "[\"4\"]", "[null]", "4", "[99999999999999999999]"})
    void a_shape_that_is_not_an_array_of_non_negative_integers(String shape) {
        Path f = rawFile(file("shape.safetensors"),
                "{\"w\": {\"dtype\": \"F32\", \"shape\": " + shape + ", \"data_offsets\": [0, 4]}}", 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "\"shape\" must be an array of non-negative integers");
    }

    @Test
    void a_shape_whose_element_count_overflows() {
        Path f = rawFile(file("overflow.safetensors"), "{\"w\": {\"dtype\": \"F32\", \"shape\": "
                + "[4294967296, 4294967296], \"data_offsets\": [0, 4]}}", 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "shape");
    }

    @ParameterizedTest(name = "data_offsets {0}")
    @ValueSource(strings = {"[0]", "[0, 4, 8]", "[-4, 0]", "[0, 4.0]", "{\"begin\": 0}"})
    void data_offsets_that_are_not_two_non_negative_integers(String offsets) {
        Path f = rawFile(file("offsets.safetensors"),
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": " + offsets + "}}", 4);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "\"data_offsets\" must be an array of 2");
    }

    @Test
    void data_offsets_out_of_bounds() {
        Path f = rawFile(file("bounds.safetensors"),
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]}}", 12);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "[8, 16]", "past the end of the data section",
                "12 bytes");
    }

    @Test
    void data_offsets_that_end_before_they_begin() {
        Path f = rawFile(file("backwards.safetensors"),
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", 12);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "[8, 4]", "begin after they end");
    }

    @Test
    void a_byte_size_that_does_not_match_shape_times_dtype() {
        Path f = rawFile(file("size.safetensors"),
                "{\"w\": {\"dtype\": \"BF16\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}}", 24);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "span 24 bytes", "[2, 3] of BF16 needs 12 bytes");
    }

    @Test
    void sizes_are_checked_for_dtypes_specscope_does_not_compute_with() {
        Path f = rawFile(file("i64.safetensors"),
                "{\"ids\": {\"dtype\": \"I64\", \"shape\": [3], \"data_offsets\": [0, 12]}}", 12);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": ids: ", "[3] of I64 needs 24 bytes");
    }

    @Test
    void overlapping_tensors() {
        Path f = rawFile(file("overlap.safetensors"), """
                {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}""", 16);
        assertFormatError(() -> SafetensorsFile.open(f), f, ": b: ", "overlap", "tensor a");
    }

    @Test
    void a_truncated_data_section() throws Exception {
        Path f = Fixtures.f32File(file("truncated.safetensors"), "w", new long[] {4, 4}, new float[16]);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(Files.size(f) - 10);
        }
        assertFormatError(() -> SafetensorsFile.open(f), f, ": w: ", "past the end of the data section", "truncated");
    }

    @Test
    void a_directory_where_a_file_was_expected() {
        assertFormatError(() -> SafetensorsFile.open(dir), dir, "is a directory");
    }
}
