package org.specscope.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The size of the CPU's largest cache, as Linux describes it under
 * {@code /sys/devices/system/cpu/cpu0/cache/index*}: a bandwidth buffer must be several times
 * larger, or the "memory" bandwidth measured is the cache's.
 */
public final class LastLevelCache {

    /** Where Linux lists the caches of the first CPU. */
    public static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private LastLevelCache() {
    }

    /** The size of the highest-level cache listed under {@code cacheDirectory}; empty where unreadable (not Linux). */
    public static OptionalLong bytes(Path cacheDirectory) {
        if (!Files.isDirectory(cacheDirectory)) {
            return OptionalLong.empty();
        }
        int bestLevel = -1;
        long bestBytes = 0;
        try (Stream<Path> entries = Files.list(cacheDirectory)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                Path level = index.resolve("level");
                Path size = index.resolve("size");
                if (!Files.isReadable(level) || !Files.isReadable(size)) {
                    continue;
                }
                int l = Integer.parseInt(Files.readString(level).strip());
                long bytes = parseSize(Files.readString(size));
                if (l > bestLevel || l == bestLevel && bytes > bestBytes) {
                    bestLevel = l;
                    bestBytes = bytes;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A sysfs that cannot be read or parsed means "unknown", not a failed benchmark.
            return OptionalLong.empty();
        }
        return bestLevel < 0 ? OptionalLong.empty() : OptionalLong.of(bestBytes);
    }

    /** Linux's cache size notation: "32768K", "1M", or plain bytes. */
    static long parseSize(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty cache size");
        }
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits) * unit;
    }
}
