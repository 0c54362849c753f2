package org.specscope.engine.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The last-level cache size, read from a sysfs-shaped directory. */
class LastLevelCacheTest {

    @TempDir
    Path sysfs;

    private void cache(String index, int level, String size) throws IOException {
        Path dir = Files.createDirectories(sysfs.resolve(index));
        Files.writeString(dir.resolve("level"), level + "\n");
        Files.writeString(dir.resolve("size"), size + "\n");
    }

    @Test
    void theHighestLevelsSizeIsTheLastLevelCache() throws IOException {
        cache("index0", 1, "32K");
        cache("index1", 1, "32K");
        cache("index2", 2, "512K");
        cache("index3", 3, "32768K");
        Files.writeString(sysfs.resolve("uevent"), "");
        assertThat(LastLevelCache.bytes(sysfs)).hasValue(32L << 20);
    }

    @Test
    void sizesComeInKibibytesMebibytesOrBytes() {
        assertThat(LastLevelCache.parseSize("32768K")).isEqualTo(32L << 20);
        assertThat(LastLevelCache.parseSize("1M\n")).isEqualTo(1L << 20);
        assertThat(LastLevelCache.parseSize("2G")).isEqualTo(2L << 30);
        assertThat(LastLevelCache.parseSize("4096")).isEqualTo(4096);
    }

    @Test
    void aMissingOrUnreadableDescriptionIsUnknownNotAnError() throws IOException {
        assertThat(LastLevelCache.bytes(sysfs.resolve("absent"))).isEmpty();
        assertThat(LastLevelCache.bytes(sysfs)).as("no index directories").isEmpty();
        cache("index0", 1, "lots");
        assertThat(LastLevelCache.bytes(sysfs)).isEmpty();
    }
}
