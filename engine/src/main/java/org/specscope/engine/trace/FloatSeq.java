package org.specscope.engine.trace;

import java.util.Arrays;

/** An immutable sequence of floats with value equality (bitwise, as {@link Arrays#equals(float[], float[])}). */
public final class FloatSeq {

    public static final FloatSeq EMPTY = new FloatSeq(new float[0]);

    private final float[] values;

    private FloatSeq(float[] values) {
        this.values = values;
    }

    public static FloatSeq of(float... values) {
        return values.length == 0 ? EMPTY : new FloatSeq(values.clone());
    }

    public int size() {
        return values.length;
    }

    public float get(int i) {
        return values[i];
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    public float[] toArray() {
        return values.clone();
    }

    public double sum() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatSeq other && Arrays.equals(values, other.values);
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
