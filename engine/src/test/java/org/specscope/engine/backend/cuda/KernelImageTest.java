package org.specscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed fatbin must be built from the committed CUDA sources (nobody forgot to rebuild it). */
class KernelImageTest {

    static final Path SOURCES = Path.of("src", "main", "cuda");

    @Test
    void theCommittedFatbinIsBuiltFromTheCurrentSources() throws IOException, NoSuchAlgorithmException {
        // The same hash as build-kernels.sh: every file of the directory, concatenated in name order.
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(Files::isRegularFile).sorted((a, b) -> a.getFileName().toString()
                    .compareTo(b.getFileName().toString())).toList();
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path f : files) {
            all.write(Files.readAllBytes(f));
        }
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray()));
        KernelImage image = KernelImage.bundled();
        assertThat(image.sourcesSha256())
                .as("the fatbin is stale: run engine/src/main/cuda/build-kernels.sh (needs nvcc) and commit "
                        + "engine/src/main/resources/org/specscope/engine/backend/cuda")
                .isEqualTo(hash);
    }

    @Test
    void theFatbinIsThereWithTheDriverVersionItNeeds() {
        KernelImage image = KernelImage.bundled();
        assertThat(image.fatbin()).isNotNull();
        assertThat(image.fatbin().length).isGreaterThan(10_000);
        // A fatbin's magic number (0xBA55ED50, little-endian).
        assertThat(image.fatbin()[0] & 0xff).isEqualTo(0x50);
        assertThat(image.fatbin()[3] & 0xff).isEqualTo(0xBA);
        assertThat(image.requiredDriverVersion()).isGreaterThanOrEqualTo(12000);
        assertThat(image.nvccVersion()).matches("\\d+\\.\\d+");
    }
}
