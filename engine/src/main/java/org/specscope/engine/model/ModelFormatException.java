package org.specscope.engine.model;

import java.nio.file.Path;

/**
 * A model directory that cannot be used as it is: a missing or truncated file, a header that
 * lies, a tensor missing or of the wrong shape, an unsupported architecture or dtype. The
 * message always names the file and, where there is one, the field or tensor at fault.
 */
public class ModelFormatException extends RuntimeException {

    private final Path file;
    private final String field;

    public ModelFormatException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    public ModelFormatException(Path file, String field, String problem, Throwable cause) {
        super(compose(file, field, problem), cause);
        this.file = file;
        this.field = field;
    }

    private static String compose(Path file, String field, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<model>" : file.toString());
        if (field != null && !field.isEmpty()) {
            sb.append(": ").append(field);
        }
        return sb.append(": ").append(problem).toString();
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The field, tensor or key at fault; null when the whole file is. */
    public String field() {
        return field;
    }
}
