package org.specscope.engine.model.tokenizer;

import java.util.Arrays;

/**
 * The special tokens put around an encoded text: what a single-sequence post-processor
 * template (or tokenizer_config.json's add_bos_token / add_eos_token) adds before and after.
 */
record SpecialsTemplate(int[] prefix, int[] suffix) {

    static final SpecialsTemplate NONE = new SpecialsTemplate(new int[0], new int[0]);

    SpecialsTemplate {
        prefix = prefix.clone();
        suffix = suffix.clone();
    }

    @Override
    public int[] prefix() {
        return prefix.clone();
    }

    @Override
    public int[] suffix() {
        return suffix.clone();
    }

    /** This template applied first and {@code outer} around its result. */
    SpecialsTemplate within(SpecialsTemplate outer) {
        return new SpecialsTemplate(concat(outer.prefix, prefix), concat(suffix, outer.suffix));
    }

    int[] wrap(int[] ids) {
        if (prefix.length == 0 && suffix.length == 0) {
            return ids;
        }
        return concat(concat(prefix, ids), suffix);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecialsTemplate(int[] p, int[] s) && Arrays.equals(prefix, p) && Arrays.equals(suffix, s);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prefix) + Arrays.hashCode(suffix);
    }

    @Override
    public String toString() {
        return "SpecialsTemplate[prefix=" + Arrays.toString(prefix) + ", suffix=" + Arrays.toString(suffix) + "]";
    }
}
