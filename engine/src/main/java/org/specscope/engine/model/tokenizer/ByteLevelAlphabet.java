package org.specscope.engine.model.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character table. Byte-level BPE vocabularies are written in
 * printable characters: bytes that are printable Latin-1 stand for themselves, the other 68
 * (controls, space, NBSP, soft hyphen) are shifted to U+0100 and up, so the space byte is
 * "Ġ" and newline "Ċ". Encoding maps UTF-8 bytes to these characters; decoding maps back.
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x180];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The UTF-8 bytes of {@code text}, each written as its alphabet character. */
    static String encode(String text) {
        byte[] bytes = Utf8.encode(text);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The byte a character stands for, or -1 when it is not in the alphabet. */
    static int byteOf(int codePoint) {
        return codePoint >= 0 && codePoint < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[codePoint] : -1;
    }

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }
}
