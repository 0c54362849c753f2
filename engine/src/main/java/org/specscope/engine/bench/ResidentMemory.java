package org.specscope.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * This process's resident memory as Linux reports it in {@code /proc/self/status}. Mapped weights
 * show up as file-backed pages, so a model used in place costs its file size in {@code RssFile}
 * and nothing more in {@code RssAnon}; a copy would show in both.
 *
 * @param peakBytes    VmHWM: the most resident memory so far
 * @param currentBytes VmRSS: resident now
 * @param fileBytes    RssFile: resident pages of mapped files (the weights)
 * @param anonBytes    RssAnon: resident anonymous memory (the Java heap, off-heap buffers, copies)
 */
public record ResidentMemory(long peakBytes, long currentBytes, long fileBytes, long anonBytes) {

    public static final Path PROC_SELF_STATUS = Path.of("/proc/self/status");

    /** This process, now; empty where {@code /proc/self/status} does not exist (not Linux). */
    public static Optional<ResidentMemory> ofThisProcess() {
        if (!Files.isReadable(PROC_SELF_STATUS)) {
            return Optional.empty();
        }
        try {
            return parse(Files.readString(PROC_SELF_STATUS));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The figures of a {@code /proc/PID/status} text; empty unless VmHWM and VmRSS are both there. */
    static Optional<ResidentMemory> parse(String status) {
        Map<String, Long> kib = new HashMap<>();
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] value = line.substring(colon + 1).strip().split("\\s+");
            if (value.length == 2 && value[1].equals("kB")) {
                try {
                    kib.put(line.substring(0, colon), Long.parseLong(value[0]));
                } catch (NumberFormatException e) {
                    // not a size line
                }
            }
        }
        if (!kib.containsKey("VmHWM") || !kib.containsKey("VmRSS")) {
            return Optional.empty();
        }
        return Optional.of(new ResidentMemory(kib.get("VmHWM") << 10, kib.get("VmRSS") << 10,
                kib.getOrDefault("RssFile", 0L) << 10, kib.getOrDefault("RssAnon", 0L) << 10));
    }
}
