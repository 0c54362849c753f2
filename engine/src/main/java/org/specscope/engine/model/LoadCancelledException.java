package org.specscope.engine.model;

/**
 * A model load stopped because cancellation was asked for. Whatever the load had opened is
 * closed by the time this reaches the caller.
 */
public final class LoadCancelledException extends RuntimeException {

    public LoadCancelledException(String message) {
        super(message);
    }

    public LoadCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
