package org.specscope.engine.model.tokenizer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The fixture tokenizers under src/test/resources/tokenizers (written by
 * src/test/python/train_test_tokenizers.py), their test cases, the ids the independent JS
 * implementation produced for them (expected.json), and helpers to write altered copies.
 */
final class TokenizerFixtures {

    static final String SENTENCEPIECE = "sentencepiece-bpe";
    static final String METASPACE = "metaspace-bpe";
    static final String BYTE_LEVEL = "byte-level-bpe";
    static final String NEOX = "neox-byte-level-bpe";
    static final List<String> ALL = List.of(SENTENCEPIECE, METASPACE, BYTE_LEVEL, NEOX);

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private TokenizerFixtures() {
    }

    static Path root() {
        try {
            return Path.of(TokenizerFixtures.class.getResource("/tokenizers").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path dir(String name) {
        return root().resolve(name);
    }

    /** The fixture, loaded once per test run. */
    static Tokenizer load(String name) {
        return LOADED.computeIfAbsent(name, n -> Tokenizer.load(dir(n)));
    }

    record Case(String name, String text) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : readJson(root().resolve("cases.json")).get("cases")) {
            cases.add(new Case(c.get("name").stringValue(), c.get("text").stringValue()));
        }
        return cases;
    }

    static String caseText(String name) {
        return cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().text();
    }

    /** What the JS reference produced for one tokenizer and case. */
    record Expected(String tokenizer, String caseName, int[] ids, int[] idsWithoutSpecials, List<String> tokens,
                    String decoded, String decodedWithSpecials) {
    }

    static List<Expected> expected() {
        List<Expected> out = new ArrayList<>();
        JsonNode tokenizers = readJson(root().resolve("expected.json")).get("tokenizers");
        for (var entry : tokenizers.properties()) {
            for (JsonNode r : entry.getValue()) {
                List<String> tokens = new ArrayList<>();
                r.get("tokens").forEach(t -> tokens.add(t.stringValue()));
                out.add(new Expected(entry.getKey(), r.get("name").stringValue(), ints(r.get("ids")),
                        ints(r.get("idsWithoutSpecials")), tokens, r.get("decoded").stringValue(),
                        r.get("decodedWithSpecials").stringValue()));
            }
        }
        return out;
    }

    /** A documented case where the JS reference and the Rust library differ (see README.md next to the fixtures). */
    record Disagreement(String tokenizer, String caseName, String field, String js, String rust) {
    }

    static Optional<Disagreement> disagreement(String tokenizer, String caseName, String field) {
        for (JsonNode d : readJson(root().resolve("js-disagreements.json")).get("disagreements")) {
            if (d.get("tokenizer").stringValue().equals(tokenizer) && d.get("case").stringValue().equals(caseName)
                    && d.get("field").stringValue().equals(field)) {
                return Optional.of(new Disagreement(tokenizer, caseName, field, d.get("js").stringValue(),
                        d.get("rust").stringValue()));
            }
        }
        return Optional.empty();
    }

    static JsonNode readJson(Path file) {
        return JSON.readTree(file);
    }

    /**
     * Copies a fixture into {@code target}, letting {@code editTokenizer} and {@code editConfig}
     * change the two JSON files first (either may be null to copy unchanged).
     */
    static Path alteredCopy(String fixture, Path target, Consumer<ObjectNode> editTokenizer,
                            Consumer<ObjectNode> editConfig) {
        try {
            Files.createDirectories(target);
            ObjectNode tokenizer = (ObjectNode) readJson(dir(fixture).resolve("tokenizer.json"));
            if (editTokenizer != null) {
                editTokenizer.accept(tokenizer);
            }
            Files.writeString(target.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizer));
            ObjectNode config = (ObjectNode) readJson(dir(fixture).resolve("tokenizer_config.json"));
            if (editConfig != null) {
                editConfig.accept(config);
            }
            Files.writeString(target.resolve("tokenizer_config.json"), JSON.writeValueAsString(config));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode parseObject(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
