package org.specscope.engine.model.tokenizer;

import org.specscope.engine.model.JsonDocuments;
import org.specscope.engine.model.ModelFormatException;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Typed reads from one JSON file where every failure becomes a {@link ModelFormatException}
 * naming the file and the dotted field path ({@code model.merges[3]}), so a broken checkpoint
 * says exactly what is wrong instead of throwing a bare parser or cast error.
 */
final class JsonFields {

    private final Path file;

    JsonFields(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Parses the whole file, which must hold a JSON object. */
    JsonNode readObject() {
        return JsonDocuments.readObject(file);
    }

    ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem);
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** The child, or empty when absent or JSON null. */
    Optional<JsonNode> optional(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    JsonNode requireObject(JsonNode parent, String name, String path) {
        JsonNode node = optional(parent, name).orElseThrow(() -> error(child(path, name), "missing"));
        if (!node.isObject()) {
            throw error(child(path, name), "expected an object");
        }
        return node;
    }

    JsonNode requireArray(JsonNode parent, String name, String path) {
        JsonNode node = optional(parent, name).orElseThrow(() -> error(child(path, name), "missing"));
        if (!node.isArray()) {
            throw error(child(path, name), "expected an array");
        }
        return node;
    }

    String requireString(JsonNode parent, String name, String path) {
        return optionalString(parent, name, path).orElseThrow(() -> error(child(path, name), "missing"));
    }

    Optional<String> optionalString(JsonNode parent, String name, String path) {
        Optional<JsonNode> node = optional(parent, name);
        if (node.isPresent() && !node.get().isString()) {
            throw error(child(path, name), "expected a string");
        }
        return node.map(JsonNode::stringValue);
    }

    boolean bool(JsonNode parent, String name, String path, boolean fallback) {
        return optionalBool(parent, name, path).orElse(fallback);
    }

    Optional<Boolean> optionalBool(JsonNode parent, String name, String path) {
        Optional<JsonNode> node = optional(parent, name);
        if (node.isPresent() && !node.get().isBoolean()) {
            throw error(child(path, name), "expected true or false");
        }
        return node.map(JsonNode::booleanValue);
    }

    int nonNegativeInt(JsonNode parent, String name, String path, int fallback) {
        Optional<JsonNode> node = optional(parent, name);
        if (node.isEmpty()) {
            return fallback;
        }
        return nonNegativeInt(node.get(), child(path, name));
    }

    int requireNonNegativeInt(JsonNode parent, String name, String path) {
        JsonNode node = optional(parent, name).orElseThrow(() -> error(child(path, name), "missing"));
        return nonNegativeInt(node, child(path, name));
    }

    int nonNegativeInt(JsonNode node, String path) {
        if (!node.isInt() || node.intValue() < 0) {
            throw error(path, "expected a non-negative integer, got " + node);
        }
        return node.intValue();
    }

    /** The {@code type} tag of a component object. */
    String type(JsonNode component, String path) {
        if (!component.isObject()) {
            throw error(path, "expected an object");
        }
        return requireString(component, "type", path);
    }
}
