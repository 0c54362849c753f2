package org.specscope.engine.backend;

/** The keys and values of the tokens a sequence has seen so far, one slot per token. */
public interface KvCache {

    /** Tokens held. */
    int length();

    /** Tokens it can hold. */
    int capacity();

    /** Forgets every token from slot {@code length} on (rejected drafts, a rewind). */
    void truncate(int length);

    /**
     * Keeps only slots {@code keep} (ascending, each >= {@code from}) after the first {@code from}
     * slots, moved to slots from, from+1, ...; the rest is forgotten. After a tree verification
     * this leaves the accepted path's keys and values right after the committed prefix.
     */
    void compact(int from, int[] keep);

    /** Checks {@link #compact} arguments against the current length. */
    static void checkCompaction(int from, int[] keep, int length) {
        if (from < 0 || from > length) {
            throw new IllegalArgumentException("compact after " + from + " of " + length + " cached tokens");
        }
        int previous = from - 1;
        for (int slot : keep) {
            if (slot <= previous || slot >= length) {
                throw new IllegalArgumentException("slots to keep must ascend within [" + from + ", " + length
                        + "): " + java.util.Arrays.toString(keep));
            }
            previous = slot;
        }
    }
}
