package org.specscope.engine.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.model.safetensors.SafetensorsWriter.Entry;
import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Files over 2 GB are mapped as one segment: no ByteBuffer, no int offsets. */
class LargeFileTest {

    @TempDir
    Path dir;

    @Test
    void a_tensor_whose_last_elements_lie_past_2_GiB_reads_back() throws Exception {
        long elements = (1L << 29) + 1024; // 2 GiB + 4 KiB of F32
        byte[] header = SafetensorsWriter.header(List.of(Entry.of("huge", DType.F32, elements)), Map.of());
        long dataBytes = elements * 4;
        Path file = dir.resolve("huge.safetensors");

        // A sparse file: the header, a hole, and a few floats at the very end. Takes no real disk space.
        long lastIndex = elements - 1;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + dataBytes);
            raf.seek(header.length + (lastIndex - 1) * 4);
            raf.writeInt(Integer.reverseBytes(Float.floatToIntBits(-1.5f)));
            raf.writeInt(Integer.reverseBytes(Float.floatToIntBits(42.25f)));
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 31);

        try (TensorSource source = TensorSource.open(file)) {
            Tensor huge = source.require("huge", elements);
            assertThat(huge.data().byteSize()).isGreaterThan(Integer.MAX_VALUE);
            assertThat(source.info("huge").orElseThrow().dataStart() + lastIndex * 4).isGreaterThan(1L << 31);
            assertThat(huge.getFloat(lastIndex)).isEqualTo(42.25f);
            assertThat(huge.getFloat(lastIndex - 1)).isEqualTo(-1.5f);
            assertThat(huge.getFloat(0)).isZero(); // in the hole
            assertThat(source.totalBytes()).isEqualTo(dataBytes);
        }
    }
}
