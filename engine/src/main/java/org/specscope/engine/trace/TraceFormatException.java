package org.specscope.engine.trace;

/**
 * A trace file that cannot be read as it is: missing or unreadable, a line that is not JSON, a
 * record of an unknown type or out of order, a schema newer than this reader, a field missing or
 * of the wrong type, a last line cut off mid-write. The message always names the source (the
 * file), the 1-based line where there is one and the field where there is one, e.g.
 * {@code run.jsonl: line 7: tree.parents[3]: expected an integer, got "x"}.
 *
 * <p>Unchecked, like {@code ModelFormatException}, because it travels out of {@link TraceSink}
 * callbacks and lambdas during a streaming replay; callers that can recover catch it by name.
 */
public class TraceFormatException extends RuntimeException {

    private final String source;
    private final int line;
    private final String field;

    public TraceFormatException(String source, int line, String field, String problem) {
        this(source, line, field, problem, null);
    }

    public TraceFormatException(String source, int line, String field, String problem, Throwable cause) {
        super(compose(source, line, field, problem), cause);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    private static String compose(String source, int line, String field, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "<trace>" : source);
        if (line > 0) {
            sb.append(": line ").append(line);
        }
        if (field != null && !field.isEmpty()) {
            sb.append(": ").append(field);
        }
        return sb.append(": ").append(problem).toString();
    }

    /** The file (or the name given to a reader) at fault. */
    public String source() {
        return source;
    }

    /** The 1-based line at fault; 0 when the whole file is (missing, unreadable, empty). */
    public int line() {
        return line;
    }

    /** The field at fault as a path ("tree.parents[3]"); null when the line as a whole is. */
    public String field() {
        return field;
    }
}
