package org.specscope.engine.model.tokenizer;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a Hugging Face tokenizer.json into the tokenizer's parts. Only what BPE checkpoints
 * use is accepted; any other model, normaliser, pre-tokenizer, post-processor or decoder
 * type fails with a {@code ModelFormatException} naming the field, rather than tokenising
 * differently from the reference without a word. {@code truncation}, {@code padding} and the
 * BPE {@code dropout} are training-time settings and are ignored.
 */
final class TokenizerJsonReader {

    /** Everything tokenizer.json defines. */
    record Parts(Vocabulary vocabulary, List<AddedToken> addedTokens, Normalizer normalizer,
                 PreTokenizer preTokenizer, BpeModel model, SpecialsTemplate template, DecodePipeline decoder) {
    }

    private final JsonFields json;

    private TokenizerJsonReader(Path file) {
        this.json = new JsonFields(file);
    }

    static Parts read(Path file) {
        return new TokenizerJsonReader(file).read();
    }

    private Parts read() {
        JsonNode root = json.readObject();
        JsonNode modelNode = json.requireObject(root, "model", "");
        String modelType = json.optionalString(modelNode, "type", "model")
                .orElseThrow(() -> json.error("model.type", "missing"));
        if (!modelType.equals("BPE")) {
            throw json.error("model.type", "unsupported model type \"" + modelType + "\": only BPE tokenizers are supported");
        }
        Map<String, Integer> vocab = vocab(modelNode);
        List<AddedToken> added = addedTokens(root);
        Normalizer normalizer = json.optional(root, "normalizer").map(n -> normalizer(n, "normalizer")).orElse(Normalizer.IDENTITY);
        PreTokenizer preTokenizer = json.optional(root, "pre_tokenizer").map(n -> preTokenizer(n, "pre_tokenizer")).orElse(PreTokenizer.NONE);
        BpeModel model = bpe(modelNode, vocab);
        Vocabulary vocabulary = new Vocabulary(vocab, added, normalizer);
        SpecialsTemplate template = json.optional(root, "post_processor")
                .map(n -> postProcessor(n, "post_processor", vocabulary)).orElse(SpecialsTemplate.NONE);
        List<DecoderStep> steps = new ArrayList<>();
        json.optional(root, "decoder").ifPresentOrElse(
                n -> decoder(n, "decoder", steps),
                () -> steps.add(new DecoderStep.JoinWithSpaces()));
        return new Parts(vocabulary, added, normalizer, preTokenizer, model, template, new DecodePipeline(steps));
    }

    // ---- model ------------------------------------------------------------------------------

    private Map<String, Integer> vocab(JsonNode model) {
        JsonNode vocabNode = json.requireObject(model, "vocab", "model");
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        Map<Integer, String> seen = new HashMap<>(vocabNode.size() * 2);
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            String path = "model.vocab[" + quote(e.getKey()) + "]";
            int id = json.nonNegativeInt(e.getValue(), path);
            String other = seen.putIfAbsent(id, e.getKey());
            if (other != null) {
                throw json.error(path, "id " + id + " is also the id of " + quote(other));
            }
            vocab.put(e.getKey(), id);
        }
        return vocab;
    }

    private BpeModel bpe(JsonNode model, Map<String, Integer> vocab) {
        String prefix = json.optionalString(model, "continuing_subword_prefix", "model").orElse(null);
        String suffix = json.optionalString(model, "end_of_word_suffix", "model").orElse(null);
        JsonNode mergesNode = json.requireArray(model, "merges", "model");
        MergeTable merges = new MergeTable(mergesNode.size());
        for (int i = 0; i < mergesNode.size(); i++) {
            String path = JsonFields.index("model.merges", i);
            String[] pair = mergePair(mergesNode.get(i), path);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            if (left == null || right == null) {
                throw json.error(path, "token " + quote(left == null ? pair[0] : pair[1]) + " is not in model.vocab");
            }
            String rightPart = prefix != null && pair[1].startsWith(prefix) ? pair[1].substring(prefix.length()) : pair[1];
            Integer merged = vocab.get(pair[0] + rightPart);
            if (merged == null) {
                throw json.error(path, "merged token " + quote(pair[0] + rightPart) + " is not in model.vocab");
            }
            merges.put(left, right, i, merged);
        }
        int unkId = -1;
        Optional<String> unk = json.optionalString(model, "unk_token", "model");
        if (unk.isPresent()) {
            Integer id = vocab.get(unk.get());
            if (id == null) {
                throw json.error("model.unk_token", quote(unk.get()) + " is not in model.vocab");
            }
            unkId = id;
        }
        int[] byteIds = null;
        if (json.bool(model, "byte_fallback", "model", false)) {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
            }
        }
        return new BpeModel(vocab, merges, unkId, json.bool(model, "fuse_unk", "model", false), byteIds,
                prefix, suffix, json.bool(model, "ignore_merges", "model", false));
    }

    /** A merge rule: "left right" (older files) or ["left", "right"] (newer ones). */
    private String[] mergePair(JsonNode node, String path) {
        if (node.isString()) {
            String[] parts = node.stringValue().split(" ", -1);
            if (parts.length != 2) {
                throw json.error(path, "expected \"left right\" with exactly one space, got " + quote(node.stringValue()));
            }
            return parts;
        }
        if (node.isArray() && node.size() == 2 && node.get(0).isString() && node.get(1).isString()) {
            return new String[] {node.get(0).stringValue(), node.get(1).stringValue()};
        }
        throw json.error(path, "expected \"left right\" or [\"left\", \"right\"], got " + node);
    }

    private List<AddedToken> addedTokens(JsonNode root) {
        List<AddedToken> tokens = new ArrayList<>();
        Optional<JsonNode> array = json.optional(root, "added_tokens");
        if (array.isEmpty()) {
            return tokens;
        }
        if (!array.get().isArray()) {
            throw json.error("added_tokens", "expected an array");
        }
        for (int i = 0; i < array.get().size(); i++) {
            String path = JsonFields.index("added_tokens", i);
            JsonNode t = array.get().get(i);
            if (!t.isObject()) {
                throw json.error(path, "expected an object");
            }
            boolean special = json.bool(t, "special", path, false);
            tokens.add(new AddedToken(
                    json.requireNonNegativeInt(t, "id", path),
                    json.requireString(t, "content", path),
                    special,
                    json.bool(t, "single_word", path, false),
                    json.bool(t, "lstrip", path, false),
                    json.bool(t, "rstrip", path, false),
                    json.bool(t, "normalized", path, !special)));
        }
        return tokens;
    }

    // ---- normalizer ------------------------------------------------------------------------

    private Normalizer normalizer(JsonNode node, String path) {
        String type = json.type(node, path);
        return switch (type) {
            case "Sequence" -> {
                JsonNode steps = json.requireArray(node, "normalizers", path);
                List<Normalizer> list = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    list.add(normalizer(steps.get(i), JsonFields.index(JsonFields.child(path, "normalizers"), i)));
                }
                yield new Normalizer.Sequence(list);
            }
            case "Prepend" -> new Normalizer.Prepend(json.requireString(node, "prepend", path));
            case "Replace" -> new Normalizer.Replace(pattern(node, path), json.requireString(node, "content", path));
            case "NFC" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFC);
            case "NFD" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Normalizer.Lowercase();
            case "Strip" -> new Normalizer.Strip(json.bool(node, "strip_left", path, true), json.bool(node, "strip_right", path, true));
            default -> throw json.error(JsonFields.child(path, "type"), "unsupported normalizer type " + quote(type));
        };
    }

    // ---- pre-tokenizer ---------------------------------------------------------------------

    private PreTokenizer preTokenizer(JsonNode node, String path) {
        String type = json.type(node, path);
        return switch (type) {
            case "Sequence" -> {
                JsonNode steps = json.requireArray(node, "pretokenizers", path);
                List<PreTokenizer> list = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    list.add(preTokenizer(steps.get(i), JsonFields.index(JsonFields.child(path, "pretokenizers"), i)));
                }
                yield new PreTokenizer.Sequence(list);
            }
            case "Metaspace" -> new PreTokenizer.Metaspace(replacement(node, path), prependScheme(node, path),
                    json.bool(node, "split", path, true));
            case "ByteLevel" -> new PreTokenizer.ByteLevel(json.bool(node, "add_prefix_space", path, true),
                    json.bool(node, "use_regex", path, true));
            case "Split" -> {
                String behaviorName = json.requireString(node, "behavior", path);
                SplitBehavior behavior = SplitBehavior.fromJson(behaviorName).orElseThrow(() ->
                        json.error(JsonFields.child(path, "behavior"), "unknown split behavior " + quote(behaviorName)));
                yield new PreTokenizer.Split(pattern(node, path), behavior, json.bool(node, "invert", path, false));
            }
            case "Digits" -> new PreTokenizer.Digits(json.bool(node, "individual_digits", path, false));
            default -> throw json.error(JsonFields.child(path, "type"), "unsupported pre-tokenizer type " + quote(type));
        };
    }

    private int replacement(JsonNode node, String path) {
        String rep = json.optionalString(node, "replacement", path).orElse("\u2581");
        if (rep.codePointCount(0, rep.length()) != 1) {
            throw json.error(JsonFields.child(path, "replacement"), "expected exactly one character, got " + quote(rep));
        }
        return rep.codePointAt(0);
    }

    /**
     * prepend_scheme, or the older add_prefix_space it replaced: false means "never". (The
     * Rust loader refuses add_prefix_space false without prepend_scheme "never"; older files
     * that only have add_prefix_space are read as they were meant here.)
     */
    private PreTokenizer.Metaspace.PrependScheme prependScheme(JsonNode node, String path) {
        Optional<String> scheme = json.optionalString(node, "prepend_scheme", path);
        PreTokenizer.Metaspace.PrependScheme parsed = switch (scheme.orElse("always")) {
            case "always" -> PreTokenizer.Metaspace.PrependScheme.ALWAYS;
            case "first" -> PreTokenizer.Metaspace.PrependScheme.FIRST;
            case "never" -> PreTokenizer.Metaspace.PrependScheme.NEVER;
            default -> throw json.error(JsonFields.child(path, "prepend_scheme"),
                    "expected \"always\", \"first\" or \"never\", got " + quote(scheme.get()));
        };
        if (json.optionalBool(node, "add_prefix_space", path).equals(Optional.of(false))) {
            if (scheme.isPresent() && parsed != PreTokenizer.Metaspace.PrependScheme.NEVER) {
                throw json.error(JsonFields.child(path, "add_prefix_space"), "false contradicts prepend_scheme " + quote(scheme.orElse("always")));
            }
            return PreTokenizer.Metaspace.PrependScheme.NEVER;
        }
        return parsed;
    }

    /** A {"String": literal} or {"Regex": pattern} object, as a Java pattern. */
    private Pattern pattern(JsonNode node, String path) {
        JsonNode p = json.requireObject(node, "pattern", path);
        String patternPath = JsonFields.child(path, "pattern");
        Optional<String> literal = json.optionalString(p, "String", patternPath);
        if (literal.isPresent()) {
            return Pattern.compile(literal.get(), Pattern.LITERAL);
        }
        Optional<String> regex = json.optionalString(p, "Regex", patternPath);
        if (regex.isPresent()) {
            try {
                // Oniguruma's \s, \w, \d and (?i) are Unicode-aware; Java's are only with this flag.
                return Pattern.compile(regex.get(), Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw json.error(JsonFields.child(patternPath, "Regex"), "regular expression not supported: " + e.getDescription());
            }
        }
        throw json.error(patternPath, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    // ---- post-processor --------------------------------------------------------------------

    private SpecialsTemplate postProcessor(JsonNode node, String path, Vocabulary vocabulary) {
        String type = json.type(node, path);
        return switch (type) {
            case "ByteLevel" -> SpecialsTemplate.NONE; // only adjusts offsets
            case "TemplateProcessing" -> template(node, path, vocabulary);
            case "RobertaProcessing", "BertProcessing" -> new SpecialsTemplate(
                    new int[] {specialPair(node, "cls", path, vocabulary)},
                    new int[] {specialPair(node, "sep", path, vocabulary)});
            case "Sequence" -> {
                JsonNode steps = json.requireArray(node, "processors", path);
                SpecialsTemplate result = SpecialsTemplate.NONE;
                for (int i = 0; i < steps.size(); i++) {
                    String stepPath = JsonFields.index(JsonFields.child(path, "processors"), i);
                    result = result.within(postProcessor(steps.get(i), stepPath, vocabulary));
                }
                yield result;
            }
            default -> throw json.error(JsonFields.child(path, "type"), "unsupported post-processor type " + quote(type));
        };
    }

    /** The single-sequence template: special tokens before $A form the prefix, those after it the suffix. */
    private SpecialsTemplate template(JsonNode node, String path, Vocabulary vocabulary) {
        JsonNode single = json.requireArray(node, "single", path);
        JsonNode specials = json.optional(node, "special_tokens").orElse(null);
        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        boolean seenSequence = false;
        for (int i = 0; i < single.size(); i++) {
            String itemPath = JsonFields.index(JsonFields.child(path, "single"), i);
            JsonNode item = single.get(i);
            if (item.has("Sequence")) {
                seenSequence = true;
                continue;
            }
            if (!item.has("SpecialToken")) {
                throw json.error(itemPath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
            String name = json.requireString(item.get("SpecialToken"), "id", JsonFields.child(itemPath, "SpecialToken"));
            String specialPath = JsonFields.child(path, "special_tokens") + "[" + quote(name) + "]";
            if (specials == null || !specials.has(name)) {
                throw json.error(specialPath, "missing: the template uses " + quote(name));
            }
            JsonNode ids = json.requireArray(specials.get(name), "ids", specialPath);
            for (int k = 0; k < ids.size(); k++) {
                int id = json.nonNegativeInt(ids.get(k), JsonFields.index(JsonFields.child(specialPath, "ids"), k));
                requireToken(vocabulary, id, specialPath);
                (seenSequence ? suffix : prefix).add(id);
            }
        }
        return new SpecialsTemplate(prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray());
    }

    /** RobertaProcessing / BertProcessing {@code cls} and {@code sep}: ["text", id]. */
    private int specialPair(JsonNode node, String name, String path, Vocabulary vocabulary) {
        JsonNode pair = json.requireArray(node, name, path);
        String pairPath = JsonFields.child(path, name);
        if (pair.size() != 2) {
            throw json.error(pairPath, "expected [\"token\", id]");
        }
        int id = json.nonNegativeInt(pair.get(1), JsonFields.index(pairPath, 1));
        requireToken(vocabulary, id, pairPath);
        return id;
    }

    private void requireToken(Vocabulary vocabulary, int id, String path) {
        if (vocabulary.text(id).isEmpty()) {
            throw json.error(path, "id " + id + " is not a token of this tokenizer");
        }
    }

    // ---- decoder ---------------------------------------------------------------------------

    private void decoder(JsonNode node, String path, List<DecoderStep> steps) {
        String type = json.type(node, path);
        switch (type) {
            case "Sequence" -> {
                JsonNode list = json.requireArray(node, "decoders", path);
                for (int i = 0; i < list.size(); i++) {
                    decoder(list.get(i), JsonFields.index(JsonFields.child(path, "decoders"), i), steps);
                }
            }
            case "Replace" -> steps.add(new DecoderStep.Replace(pattern(node, path), json.requireString(node, "content", path)));
            case "ByteFallback" -> steps.add(new DecoderStep.ByteFallback());
            case "Fuse" -> steps.add(new DecoderStep.Fuse());
            case "Strip" -> {
                String content = json.requireString(node, "content", path);
                if (content.codePointCount(0, content.length()) != 1) {
                    throw json.error(JsonFields.child(path, "content"), "expected exactly one character, got " + quote(content));
                }
                steps.add(new DecoderStep.Strip(content.codePointAt(0),
                        json.nonNegativeInt(node, "start", path, 0), json.nonNegativeInt(node, "stop", path, 0)));
            }
            case "Metaspace" -> steps.add(new DecoderStep.Metaspace(replacement(node, path),
                    prependScheme(node, path) != PreTokenizer.Metaspace.PrependScheme.NEVER));
            case "ByteLevel" -> steps.add(new DecoderStep.ByteLevel());
            default -> throw json.error(JsonFields.child(path, "type"), "unsupported decoder type " + quote(type));
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
