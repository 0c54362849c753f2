package org.specscope.engine.model.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every token id of a tokenizer with its text, in both directions: the BPE model's vocabulary
 * plus the added tokens, which win where both name an id, as in the Rust tokenizers.
 */
final class Vocabulary {

    private final String[] texts;
    private final String[] decodeTexts;
    private final boolean[] special;
    private final Map<String, Integer> ids;

    /**
     * @param modelVocab  the BPE vocabulary
     * @param addedTokens the added tokens
     * @param normalizer  the tokenizer's normaliser: a {@code normalized} added token is
     *                    decoded from its normalised spelling, as the Rust decoder sees it
     */
    Vocabulary(Map<String, Integer> modelVocab, List<AddedToken> addedTokens, Normalizer normalizer) {
        int size = 0;
        for (int id : modelVocab.values()) {
            size = Math.max(size, id + 1);
        }
        for (AddedToken t : addedTokens) {
            size = Math.max(size, t.id() + 1);
        }
        texts = new String[size];
        decodeTexts = new String[size];
        special = new boolean[size];
        ids = new HashMap<>(modelVocab);
        modelVocab.forEach((text, id) -> texts[id] = text);
        for (AddedToken t : addedTokens) {
            texts[t.id()] = t.content();
            special[t.id()] = t.special();
            ids.put(t.content(), t.id());
        }
        System.arraycopy(texts, 0, decodeTexts, 0, size);
        for (AddedToken t : addedTokens) {
            if (t.normalized()) {
                decodeTexts[t.id()] = normalizer.normalize(t.content());
            }
        }
    }

    /** One more than the largest id. */
    int size() {
        return texts.length;
    }

    Optional<String> text(int id) {
        return id >= 0 && id < texts.length ? Optional.ofNullable(texts[id]) : Optional.empty();
    }

    /** The spelling the decoder receives for this id; null when no token has it. */
    String decodeText(int id) {
        return id >= 0 && id < decodeTexts.length ? decodeTexts[id] : null;
    }

    boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    OptionalInt idOf(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
