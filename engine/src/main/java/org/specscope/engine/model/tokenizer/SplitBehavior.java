package org.specscope.engine.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a splitting pre-tokenizer does with the delimiters it finds, mirroring the five
 * behaviours of the Rust tokenizers (including how runs of adjacent delimiters are merged).
 */
enum SplitBehavior {
    REMOVED("Removed"),
    ISOLATED("Isolated"),
    MERGED_WITH_PREVIOUS("MergedWithPrevious"),
    MERGED_WITH_NEXT("MergedWithNext"),
    CONTIGUOUS("Contiguous");

    private final String jsonName;

    SplitBehavior(String jsonName) {
        this.jsonName = jsonName;
    }

    static Optional<SplitBehavior> fromJson(String name) {
        for (SplitBehavior b : values()) {
            if (b.jsonName.equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /**
     * The pieces of a text of {@code length} chars given its delimiter matches, as
     * {@code [start, end)} pairs, in order, none empty.
     *
     * @param matches non-overlapping {@code [start, end)} delimiter spans in increasing order
     * @param invert  whether the spans are the content and everything between them the delimiters
     */
    List<int[]> split(int length, List<int[]> matches, boolean invert) {
        List<Segment> segments = new ArrayList<>(matches.size() * 2 + 1);
        int previous = 0;
        for (int[] m : matches) {
            if (previous < m[0]) {
                segments.add(new Segment(previous, m[0], invert));
            }
            segments.add(new Segment(m[0], m[1], !invert));
            previous = m[1];
        }
        if (previous < length) {
            segments.add(new Segment(previous, length, invert));
        }
        List<int[]> pieces = switch (this) {
            case REMOVED -> {
                List<int[]> out = new ArrayList<>();
                for (Segment s : segments) {
                    if (!s.delimiter) {
                        out.add(new int[] {s.start, s.end});
                    }
                }
                yield out;
            }
            case ISOLATED -> {
                List<int[]> out = new ArrayList<>();
                for (Segment s : segments) {
                    out.add(new int[] {s.start, s.end});
                }
                yield out;
            }
            case MERGED_WITH_PREVIOUS -> {
                List<int[]> out = new ArrayList<>();
                boolean previousDelimiter = false;
                for (Segment s : segments) {
                    if (s.delimiter && !previousDelimiter && !out.isEmpty()) {
                        out.getLast()[1] = s.end;
                    } else {
                        out.add(new int[] {s.start, s.end});
                    }
                    previousDelimiter = s.delimiter;
                }
                yield out;
            }
            case MERGED_WITH_NEXT -> {
                List<int[]> reversed = new ArrayList<>();
                boolean nextDelimiter = false;
                for (Segment s : segments.reversed()) {
                    if (s.delimiter && !nextDelimiter && !reversed.isEmpty()) {
                        reversed.getLast()[0] = s.start;
                    } else {
                        reversed.add(new int[] {s.start, s.end});
                    }
                    nextDelimiter = s.delimiter;
                }
                yield new ArrayList<>(reversed.reversed());
            }
            case CONTIGUOUS -> {
                List<int[]> out = new ArrayList<>();
                boolean previousDelimiter = false;
                for (Segment s : segments) {
                    if (s.delimiter == previousDelimiter && !out.isEmpty()) {
                        out.getLast()[1] = s.end;
                    } else {
                        out.add(new int[] {s.start, s.end});
                    }
                    previousDelimiter = s.delimiter;
                }
                yield out;
            }
        };
        pieces.removeIf(p -> p[0] == p[1]);
        return pieces;
    }

    private record Segment(int start, int end, boolean delimiter) {
    }
}
