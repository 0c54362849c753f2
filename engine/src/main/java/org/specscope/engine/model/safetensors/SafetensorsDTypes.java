package org.specscope.engine.model.safetensors;

import org.specscope.engine.tensor.DType;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Element sizes of the dtypes a safetensors header may name. Knowing a size lets the reader check
 * that a tensor's byte range matches its shape even when SpecScope cannot compute with the dtype.
 */
public final class SafetensorsDTypes {

    private static final Map<String, Integer> BYTE_SIZES;

    static {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("F64", 8);
        m.put("F32", 4);
        m.put("F16", 2);
        m.put("BF16", 2);
        m.put("I64", 8);
        m.put("I32", 4);
        m.put("I16", 2);
        m.put("I8", 1);
        m.put("U64", 8);
        m.put("U32", 4);
        m.put("U16", 2);
        m.put("U8", 1);
        m.put("BOOL", 1);
        m.put("F8_E4M3", 1);
        m.put("F8_E5M2", 1);
        m.put("F8_E8M0", 1);
        m.put("C64", 8);
        BYTE_SIZES = Collections.unmodifiableMap(m);
    }

    private SafetensorsDTypes() {
    }

    /** Bytes per element of the named dtype, or empty for a name whose size we do not know. */
    public static OptionalInt byteSize(String dtypeName) {
        Integer size = BYTE_SIZES.get(dtypeName);
        return size == null ? OptionalInt.empty() : OptionalInt.of(size);
    }

    /** Every dtype name whose size is known. */
    public static Set<String> knownNames() {
        return BYTE_SIZES.keySet();
    }

    /** The dtypes SpecScope computes with, as a header spells them: "F32, BF16, F16". */
    public static String supportedList() {
        return Arrays.stream(DType.values()).map(DType::safetensorsName).collect(Collectors.joining(", "));
    }
}
