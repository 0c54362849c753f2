package org.specscope.engine.model;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Typed reads of a JSON config file's top-level fields, each failure a {@link ModelFormatException}
 * naming the file and the field, so that a bad config.json never surfaces as a parser stack trace.
 */
final class ConfigReader {

    private final Path file;
    private final JsonNode root;

    private ConfigReader(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ConfigReader open(Path file) {
        return new ConfigReader(file, JsonDocuments.readObject(file));
    }

    Path file() {
        return file;
    }

    boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    JsonNode node(String field) {
        return root.get(field);
    }

    ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem);
    }

    int requireInt(String field) {
        return optionalInt(field).orElseThrow(() -> error(field, "required integer field is missing"));
    }

    int intOr(String field, int fallback) {
        return optionalInt(field).orElse(fallback);
    }

    OptionalInt optionalInt(String field) {
        return optionalInt(root.get(field), field);
    }

    OptionalInt optionalInt(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return OptionalInt.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(field, "expected an integer, found " + n);
        }
        return OptionalInt.of(n.intValue());
    }

    double doubleOr(String field, double fallback) {
        return optionalDouble(field).orElse(fallback);
    }

    OptionalDouble optionalDouble(String field) {
        return optionalDouble(root.get(field), field);
    }

    OptionalDouble optionalDouble(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return OptionalDouble.empty();
        }
        if (!n.isNumber()) {
            throw error(field, "expected a number, found " + n);
        }
        return OptionalDouble.of(n.doubleValue());
    }

    boolean boolOr(String field, boolean fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw error(field, "expected true or false, found " + n);
        }
        return n.booleanValue();
    }

    Optional<String> optionalString(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isString()) {
            throw error(field, "expected a string, found " + n);
        }
        return Optional.of(n.stringValue());
    }

    /** An integer or a list of integers (as "eos_token_id" may be); empty when absent. */
    List<Integer> intOrIntList(String field) {
        JsonNode n = root.get(field);
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n.values()) {
                out.add(optionalInt(e, field).orElseThrow(() -> error(field, "null inside the list")));
            }
        } else {
            out.add(optionalInt(n, field).getAsInt());
        }
        return out;
    }

    List<Integer> intList(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw error(field, "expected a list of integers, found " + n);
        }
        return intOrIntList(field);
    }
}
