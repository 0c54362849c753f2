package org.specscope.engine.model;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the JSON files of a model directory (config.json, tokenizer.json, ...) so that a missing,
 * unreadable or malformed file is always one {@link ModelFormatException} naming the file.
 */
public final class JsonDocuments {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonDocuments() {
    }

    /** The file's top-level JSON object. */
    public static JsonNode readObject(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, null, "file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot be read: " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new ModelFormatException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, null, "expected a JSON object at the top level");
        }
        return root;
    }
}
