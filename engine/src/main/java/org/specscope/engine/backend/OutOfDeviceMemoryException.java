package org.specscope.engine.backend;

/**
 * A device ran out of its own memory (another process took it since the free memory was read, or
 * the footprint estimate fell short). The device itself is still usable, so the automatic backend
 * choice loads the model on the CPU instead; a forced device choice reports it.
 */
public final class OutOfDeviceMemoryException extends IllegalStateException {

    public OutOfDeviceMemoryException(String message) {
        super(message);
    }
}
