package org.specscope.engine.tensor;

import java.util.Optional;

/** Element types of weights SpecScope computes with; names as safetensors headers spell them. */
public enum DType {
    F32(4),
    BF16(2),
    F16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The safetensors header name ("F32", "BF16", "F16"). */
    public String safetensorsName() {
        return name();
    }

    /** The dtype named in a safetensors header, or empty for one we do not compute with (F64, I8, ...). */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The dtype a config.json "torch_dtype"/"dtype" names ("bfloat16", "float16", "float32"), if one of ours. */
    public static Optional<DType> fromTorchName(String name) {
        return switch (name) {
            case "float32", "float" -> Optional.of(F32);
            case "bfloat16" -> Optional.of(BF16);
            case "float16", "half" -> Optional.of(F16);
            default -> Optional.empty();
        };
    }
}
