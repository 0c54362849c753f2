package org.specscope.engine.trace;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a trace into numbered lines, remembering whether each ended with a newline: a last line
 * without one is where a crashed writer stopped, which {@link TraceReader} reports (or drops)
 * as truncated rather than as malformed. "\r\n" endings are accepted.
 */
final class TraceLines {

    /** One line, its 1-based number and whether a newline ended it. */
    record Line(int number, String text, boolean terminated) {
    }

    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private int number;

    TraceLines(Reader in) {
        this.in = in;
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
        StringBuilder text = null;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return text == null ? null : new Line(++number, text.toString(), false);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (text == null) {
                text = new StringBuilder(position - start);
            }
            text.append(buffer, start, position - start);
            if (position < limit) {
                position++; // the newline
                int end = text.length();
                if (end > 0 && text.charAt(end - 1) == '\r') {
                    text.setLength(end - 1);
                }
                return new Line(++number, text.toString(), true);
            }
        }
    }
}
