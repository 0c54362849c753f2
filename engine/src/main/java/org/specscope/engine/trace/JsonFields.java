package org.specscope.engine.trace;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Typed access to the fields of one JSON object of a trace line, where every failure is a
 * {@link TraceFormatException} naming the file, the line and the field's path from the line's
 * root ("tree.parents[3]"). A field that is missing and a field of the wrong type are both
 * errors; a field this reader does not know is ignored (a writer may add fields without a new
 * schema, never remove or retype one).
 */
final class JsonFields {

    private final JsonNode object;
    private final String path;
    private final String source;
    private final int line;

    JsonFields(JsonNode object, String path, String source, int line) {
        this.object = object;
        this.path = path;
        this.source = source;
        this.line = line;
    }

    int integer(String name) {
        return integer(required(name), path(name));
    }

    long longInteger(String name) {
        JsonNode n = required(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw wrongType(path(name), "a 64-bit integer", n);
        }
        return n.longValue();
    }

    boolean bool(String name) {
        JsonNode n = required(name);
        if (!n.isBoolean()) {
            throw wrongType(path(name), "true or false", n);
        }
        return n.booleanValue();
    }

    String string(String name) {
        return string(required(name), path(name));
    }

    double number(String name) {
        return number(required(name), path(name));
    }

    /** A number that null stands for when it is NaN (the controller's utility before any measurement). */
    double numberOrNaN(String name) {
        JsonNode n = required(name);
        return n.isNull() ? Double.NaN : number(n, path(name));
    }

    /** A lowercase enum constant name ("substitute" for SUBSTITUTE). */
    <E extends Enum<E>> E lowercaseEnum(String name, Class<E> type) {
        String value = string(name);
        for (E constant : type.getEnumConstants()) {
            if (TraceRecordEncoder.lowercase(constant).equals(value)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(TraceRecordEncoder.lowercase(constant));
        }
        throw fail(path(name), "expected one of " + allowed + ", got \"" + value + "\"");
    }

    IntSeq ints(String name) {
        JsonNode array = array(name);
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = integer(array.get(i), path(name) + "[" + i + "]");
        }
        return IntSeq.of(values);
    }

    FloatSeq floats(String name) {
        JsonNode array = array(name);
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = floatValue(array.get(i), path(name) + "[" + i + "]");
        }
        return FloatSeq.of(values);
    }

    List<String> strings(String name) {
        JsonNode array = array(name);
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            values.add(string(array.get(i), path(name) + "[" + i + "]"));
        }
        return values;
    }

    JsonFields object(String name) {
        JsonNode n = required(name);
        if (!n.isObject()) {
            throw wrongType(path(name), "an object", n);
        }
        return new JsonFields(n, path(name), source, line);
    }

    /** An object, or null where the JSON holds null. */
    JsonFields objectOrNull(String name) {
        return required(name).isNull() ? null : object(name);
    }

    List<JsonFields> objects(String name) {
        JsonNode array = array(name);
        List<JsonFields> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode n = array.get(i);
            String at = path(name) + "[" + i + "]";
            if (!n.isObject()) {
                throw wrongType(at, "an object", n);
            }
            values.add(new JsonFields(n, at, source, line));
        }
        return values;
    }

    /**
     * Builds a record from fields already read, turning the record's own validation (a tree
     * whose arrays disagree in length, a top-p of 2) into an error that names this object.
     */
    <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw fail(path, "invalid: " + e.getMessage());
        }
    }

    TraceFormatException fail(String field, String problem) {
        return new TraceFormatException(source, line, field, problem);
    }

    /** The path of one of this object's fields. */
    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode required(String name) {
        JsonNode n = object.get(name);
        if (n == null || n.isMissingNode()) {
            throw fail(path(name), "missing");
        }
        return n;
    }

    private JsonNode array(String name) {
        JsonNode n = required(name);
        if (!n.isArray()) {
            throw wrongType(path(name), "an array", n);
        }
        return n;
    }

    private int integer(JsonNode n, String at) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw wrongType(at, "a 32-bit integer", n);
        }
        return n.intValue();
    }

    private String string(JsonNode n, String at) {
        if (!n.isString()) {
            throw wrongType(at, "a string", n);
        }
        return n.stringValue();
    }

    private float floatValue(JsonNode n, String at) {
        return n.isNumber() ? toFloat(n.doubleValue()) : (float) nonFinite(n, at);
    }

    private double number(JsonNode n, String at) {
        return n.isNumber() ? n.doubleValue() : nonFinite(n, at);
    }

    /**
     * The float a trace wrote, from the double its decimal parsed to. Rounding decimal to double
     * to float can differ from rounding the decimal straight to float only where the double lands
     * exactly on the midpoint between two floats (a midpoint is itself a double, so the first
     * rounding never crosses one); there the cast's tie-break may pick the wrong neighbour, and
     * the float meant is the one whose shortest decimal (what the writer wrote) parses to this
     * double. The common case costs one comparison.
     */
    static float toFloat(double d) {
        float f = (float) d;
        if ((double) f == d || !Float.isFinite(f)) {
            return f;
        }
        float neighbour = d > f ? Math.nextUp(f) : Math.nextDown(f);
        if (((double) f + (double) neighbour) / 2 != d) {
            return f;
        }
        return Double.parseDouble(Float.toString(f)) != d && Double.parseDouble(Float.toString(neighbour)) == d
                ? neighbour : f;
    }

    private double nonFinite(JsonNode n, String at) {
        if (n.isString()) {
            switch (n.stringValue()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                }
            }
        }
        throw wrongType(at, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", n);
    }

    private TraceFormatException wrongType(String at, String expected, JsonNode got) {
        return fail(at, "expected " + expected + ", got " + describe(got));
    }

    private static String describe(JsonNode n) {
        String kind = switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> n.isIntegralNumber() ? "the integer" : "the number";
            case BOOLEAN -> "";
            case NULL -> "";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return kind.isEmpty() ? text : kind + " " + text;
    }
}
