package org.specscope.engine.model.tokenizer;

import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What tokenizer_config.json (the transformers side of a checkpoint) says about BOS/EOS:
 * whether to add them, and which tokens they are. The file is optional; other keys (chat
 * template, model_max_length, clean-up flags) are not the tokenizer's business here.
 *
 * @param file        the file read, for error messages
 * @param addBosToken {@code add_bos_token}, when stated
 * @param addEosToken {@code add_eos_token}, when stated
 * @param bosToken    {@code bos_token}, when set (a string or {"content": ...})
 * @param eosToken    {@code eos_token}, when set
 */
record TokenizerConfig(Path file, Optional<Boolean> addBosToken, Optional<Boolean> addEosToken,
                       Optional<String> bosToken, Optional<String> eosToken) {

    static final String FILE_NAME = "tokenizer_config.json";

    /** The config of a model directory; empty when the directory has none. */
    static Optional<TokenizerConfig> read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonFields json = new JsonFields(file);
        JsonNode root = json.readObject();
        return Optional.of(new TokenizerConfig(file,
                json.optionalBool(root, "add_bos_token", ""),
                json.optionalBool(root, "add_eos_token", ""),
                token(json, root, "bos_token"),
                token(json, root, "eos_token")));
    }

    private static Optional<String> token(JsonFields json, JsonNode root, String name) {
        Optional<JsonNode> node = json.optional(root, name);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get().isObject()) {
            return Optional.of(json.requireString(node.get(), "content", name));
        }
        return json.optionalString(root, name, "");
    }
}
