package org.specscope.engine.model.safetensors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes given as a .safetensors file either open into tensors that can all be read, or are
 * refused with a {@link ModelFormatException} that names the file: never another exception, never
 * a tensor that points outside the file. CI replays the seed inputs beside this class (a valid
 * file, bad header lengths, overlapping tensors...); {@code JAZZER_FUZZ=1} fuzzes from them.
 */
class SafetensorsFileFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyFileOpensCompletelyOrIsRefusedByName(byte[] contents) throws IOException {
        Path file = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(file, contents);
            try (SafetensorsFile opened = SafetensorsFile.open(file)) {
                for (String name : opened.names()) {
                    var info = opened.info(name).orElseThrow();
                    assertThat(info.dataStart()).isBetween(opened.dataSectionOffset(), opened.fileSize());
                    assertThat(info.dataEnd()).isBetween(info.dataStart(), opened.fileSize());
                    assertThat(opened.bytes(name).byteSize()).isEqualTo(info.dataEnd() - info.dataStart());
                    if (info.dtype().isPresent()) {
                        Tensor t = opened.tensor(name);
                        if (t.elementCount() > 0) {
                            t.getFloat(0);
                            t.getFloat(t.elementCount() - 1);
                        }
                    }
                }
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).contains(file.getFileName().toString());
            }
        } catch (UncheckedIOException e) {
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
