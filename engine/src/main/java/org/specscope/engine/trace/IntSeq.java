package org.specscope.engine.trace;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An immutable sequence of ints with value equality, so that trace records holding one compare
 * by content (a record's int[] would compare by identity).
 */
public final class IntSeq {

    public static final IntSeq EMPTY = new IntSeq(new int[0]);

    private final int[] values;

    private IntSeq(int[] values) {
        this.values = values;
    }

    public static IntSeq of(int... values) {
        return values.length == 0 ? EMPTY : new IntSeq(values.clone());
    }

    public int size() {
        return values.length;
    }

    public int get(int i) {
        return values[i];
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    public boolean contains(int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    public int[] toArray() {
        return values.clone();
    }

    public IntStream stream() {
        return Arrays.stream(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntSeq other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
