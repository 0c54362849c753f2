package org.specscope.engine.backend;

/**
 * What every backend's KV cache keeps on the host, wherever its keys and values live: how many
 * slots hold the sequence, and each slot's RoPE position (slot and position differ once
 * draft-tree nodes are cached). The subclass moves its keys and values ({@link #moveSlots}).
 */
public abstract class AbstractKvCache implements KvCache {

    /** Each slot's RoPE position. */
    protected final int[] positions;
    private int length;

    protected AbstractKvCache(int capacity) {
        this.positions = new int[capacity];
    }

    @Override
    public final int length() {
        return length;
    }

    @Override
    public final int capacity() {
        return positions.length;
    }

    @Override
    public final void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " of " + length + " cached tokens");
        }
        length = newLength;
    }

    @Override
    public final void compact(int from, int[] keep) {
        KvCache.checkCompaction(from, keep, length);
        if (keep.length > 0) {
            for (int i = 0; i < keep.length; i++) {
                positions[from + i] = positions[keep[i]];
            }
            moveSlots(from, keep);
        }
        length = from + keep.length;
    }

    /**
     * Moves the keys and values of slots {@code keep} (ascending, at least one, each >= {@code from})
     * to slots from, from+1, ...; their positions are moved already.
     */
    protected abstract void moveSlots(int from, int[] keep);

    /**
     * The slot a pass of {@code tokens} tokens starts at: the tokens held.
     *
     * @throws IllegalStateException when they would overflow the cache
     */
    public final int startOfPass(int tokens) {
        if (length + tokens > capacity()) {
            throw new IllegalStateException("context full: " + length + " cached + " + tokens + " new tokens exceed the "
                    + capacity() + "-token KV cache");
        }
        return length;
    }

    /** Records the RoPE positions of a pass's tokens at slots [start, ...) before it runs. */
    public void stagePositions(int start, int[] tokenPositions) {
        System.arraycopy(tokenPositions, 0, positions, start, tokenPositions.length);
    }

    /** Commits a pass: the tokens up to slot {@code newLength} now belong to the prefix. */
    public final void commit(int newLength) {
        length = newLength;
    }
}
