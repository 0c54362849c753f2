package org.specscope.engine.model.tokenizer;

/**
 * BPE merge rules keyed by the ids of the two parts: an open-addressing hash table from a
 * packed id pair to the rule's rank and the id of the merged token, so the merge loop looks
 * pairs up without allocating.
 */
final class MergeTable {

    /** Returned by {@link #find} when the pair has no rule. */
    static final long ABSENT = -1L;

    private static final long EMPTY_KEY = -1L;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expectedRules) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedRules * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY_KEY);
    }

    /** Adds or replaces the rule for (left, right); a later rule for the same pair wins, as in the Rust loader. */
    void put(int left, int right, int rank, int mergedId) {
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY_KEY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY_KEY) {
            size++;
        }
        keys[slot] = key;
        values[slot] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    /** The packed rule (rank in the high 32 bits, merged id in the low 32) or {@link #ABSENT}. */
    long find(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY_KEY) {
                return ABSENT;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    static int rank(long rule) {
        return (int) (rule >>> 32);
    }

    static int mergedId(long rule) {
        return (int) rule;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
