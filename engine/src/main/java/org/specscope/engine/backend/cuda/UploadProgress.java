package org.specscope.engine.backend.cuda;

/** Told how far a model's weights have been copied to the device (uploads of big models take seconds). */
@FunctionalInterface
public interface UploadProgress {

    UploadProgress NONE = (model, done, total) -> { };

    void uploaded(String model, long doneBytes, long totalBytes);
}
