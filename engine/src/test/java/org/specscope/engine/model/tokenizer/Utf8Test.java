package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Lossy UTF-8 decoding replaces each maximal invalid subpart with one U+FFFD, like Rust and WHATWG. */
class Utf8Test {

    @Test
    void aCharacterIsEmittedWithItsLastByte() {
        Utf8.LossyDecoder decoder = new Utf8.LossyDecoder();
        StringBuilder out = new StringBuilder();
        int[] bytes = {0xF0, 0x9F, 0x99, 0x82};
        for (int i = 0; i < bytes.length; i++) {
            decoder.push(bytes[i], out);
            assertThat(out.toString()).isEqualTo(i < 3 ? "" : "🙂");
        }
    }

    @Test
    void invalidSequencesBecomeOneReplacementEach() {
        assertThat(decode(0xE4, 0xB8, 0x41)).as("truncated, then ASCII").isEqualTo("\uFFFDA");
        assertThat(decode(0xC0, 0x80)).as("overlong lead, lone continuation").isEqualTo("\uFFFD\uFFFD");
        assertThat(decode(0xED, 0xA0, 0x80)).as("encoded surrogate").isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(decode(0xF4, 0x90, 0x80, 0x80)).as("beyond U+10FFFF").isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        assertThat(decode(0xF0, 0x9F)).as("cut at the end").isEqualTo("\uFFFD");
        assertThat(decode(0xE2, 0x82, 0xAC, 0xFF)).isEqualTo("€\uFFFD");
    }

    @Test
    void validityIsAllOrNothing() {
        assertThat(Utf8.isValid(new byte[] {(byte) 0xE4, (byte) 0xB8, (byte) 0xAD}, 3)).isTrue();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xE4, (byte) 0xB8, (byte) 0xAD}, 2)).isFalse();
    }

    @Test
    void loneSurrogatesAreNotText() {
        assertThat(Utf8.withoutLoneSurrogates("a\uD83Db\uDE42")).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(Utf8.withoutLoneSurrogates("🙂")).isEqualTo("🙂");
    }

    private static String decode(int... bytes) {
        Utf8.LossyDecoder decoder = new Utf8.LossyDecoder();
        StringBuilder out = new StringBuilder();
        for (int b : bytes) {
            decoder.push(b, out);
        }
        decoder.finish(out);
        return out.toString();
    }
}
