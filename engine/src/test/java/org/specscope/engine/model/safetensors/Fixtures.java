package org.specscope.engine.model.safetensors;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small files for the specifications: valid ones through the writer, broken ones byte by byte. */
final class Fixtures {

    private Fixtures() {
    }

    /** A file with one F32 tensor holding {@code values}. */
    static Path f32File(Path file, String name, long[] shape, float... values) {
        try (SafetensorsWriter w = SafetensorsWriter.create(file, List.of(Entry.of(name, DType.F32, shape)))) {
            w.writeFloats(name, values);
        }
        return file;
    }

    /** A file whose header is exactly {@code headerJson}, followed by {@code dataBytes} zero bytes. */
    static Path rawFile(Path file, String headerJson, int dataBytes) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return write(file, b.array());
    }

    /** A file starting with the header length {@code declared}, then {@code rest}. */
    static Path rawFile(Path file, long declared, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(rest);
        return write(file, b.array());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code call} fails with a ModelFormatException whose message names {@code file} and every fragment. */
    static void assertFormatError(ThrowingCallable call, Path file, String... fragments) {
        assertThatThrownBy(call)
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(fragments)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((ModelFormatException) e).file())
                        .isEqualTo(file));
    }
}
