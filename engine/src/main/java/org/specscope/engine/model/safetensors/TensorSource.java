package org.specscope.engine.model.safetensors;

import org.specscope.engine.tensor.DType;
import org.specscope.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tensors of one checkpoint, whatever files hold them (one safetensors file or a sharded
 * set). Tensors are zero-copy views of memory-mapped files, valid until {@link #close()}.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * Opens a model directory (sharded with {@code model.safetensors.index.json}, or
     * {@code model.safetensors}, or a single {@code *.safetensors} file) or one safetensors file.
     * Problems are reported as a {@code ModelFormatException} naming the file or directory.
     */
    static TensorSource open(Path path) {
        return Checkpoint.open(path);
    }

    /** Every tensor name the checkpoint holds. */
    Set<String> names();

    /** Header facts about a tensor without touching its data; empty when absent. */
    Optional<TensorInfo> info(String name);

    /** The tensor, or empty when the checkpoint lacks it. Fails with a {@code ModelFormatException} if present but unusable (unsupported dtype). */
    Optional<Tensor> find(String name);

    /**
     * The tensor, which must exist with exactly this shape. Otherwise a {@code ModelFormatException}
     * names the file (or the directory when no file holds it), the tensor, and what was expected.
     */
    Tensor require(String name, long... expectedShape);

    /** Bytes of tensor data over all files. */
    long totalBytes();

    /** Bytes of tensor data by dtype name as the headers spell it ("BF16", "F32", "I64", ...). */
    Map<String, Long> bytesByDTypeName();

    /** The directory or file the checkpoint was opened from. */
    Path location();

    @Override
    void close();

    /**
     * Header entry of one tensor. {@code dtype} is empty for a dtype SpecScope does not compute with.
     * {@code dataStart} and {@code dataEnd} are absolute byte offsets of the tensor's data within {@code file}.
     */
    record TensorInfo(String name, String dtypeName, Optional<DType> dtype, long[] shape, Path file,
                      long dataStart, long dataEnd) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long byteSize() {
            return dataEnd - dataStart;
        }
    }
}
