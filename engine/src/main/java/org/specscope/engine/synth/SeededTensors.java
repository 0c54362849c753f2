package org.specscope.engine.synth;

import java.nio.charset.StandardCharsets;

/** Seeds derived from the checkpoint seed and a tensor's name, so a tensor's values do not depend on write order. */
final class SeededTensors {

    private SeededTensors() {
    }

    /** A well-mixed 64-bit seed for {@code name} under {@code seed}: FNV-1a of the name, then SplitMix64's finaliser. */
    static long mix(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
