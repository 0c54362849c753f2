package org.specscope.engine.model.tokenizer;

import org.specscope.engine.model.ModelFormatException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A checkpoint's BPE tokenizer, read from its Hugging Face files, that produces the same ids
 * as the Rust {@code tokenizers} library. It covers the two BPE flavours MoE checkpoints ship:
 * SentencePiece style with byte fallback (Mistral, Mixtral, Llama 2; both the Prepend/Replace
 * and the Metaspace layouts) and GPT-2 byte-level (GPT-NeoX/OLMoE, Qwen2/Qwen3, DeepSeek).
 *
 * <p>Encoding: added tokens (chat markers, BOS/EOS) are cut out of the raw text first; the
 * rest is normalised, pre-tokenised into words and merged by BPE. {@link #encode} then puts the
 * BOS/EOS around it that the post-processor template adds, unless tokenizer_config.json's
 * {@code add_bos_token} / {@code add_eos_token} say otherwise (they win, as in transformers).
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Tokenizer {

    private final Path directory;
    private final Vocabulary vocabulary;
    private final List<AddedToken> addedTokens;
    private final AddedVocabulary addedVocabulary;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final SpecialsTemplate specials;
    private final OptionalInt bosId;
    private final OptionalInt eosId;
    private final DecodePipeline decoder;

    private Tokenizer(Path directory, TokenizerJsonReader.Parts parts, SpecialsTemplate specials,
                      OptionalInt bosId, OptionalInt eosId) {
        this.directory = directory;
        this.vocabulary = parts.vocabulary();
        this.addedTokens = List.copyOf(parts.addedTokens());
        this.addedVocabulary = new AddedVocabulary(parts.addedTokens(), parts.normalizer());
        this.normalizer = parts.normalizer();
        this.preTokenizer = parts.preTokenizer();
        this.model = parts.model();
        this.specials = specials;
        this.bosId = bosId;
        this.eosId = eosId;
        this.decoder = parts.decoder();
    }

    /**
     * Reads {@code tokenizer.json} (required) and {@code tokenizer_config.json} (optional) from
     * a model directory.
     *
     * @throws ModelFormatException when a file is missing, not JSON, or uses something this
     *                              tokenizer does not implement; the message names the file and field
     */
    public static Tokenizer load(Path modelDir) {
        TokenizerJsonReader.Parts parts = TokenizerJsonReader.read(modelDir.resolve("tokenizer.json"));
        Optional<TokenizerConfig> config = TokenizerConfig.read(modelDir);
        Vocabulary vocabulary = parts.vocabulary();
        SpecialsTemplate template = parts.template();

        OptionalInt bos = either(configToken(config, vocabulary, TokenizerConfig::bosToken, "bos_token"),
                soleId(template.prefix()));
        OptionalInt eos = either(configToken(config, vocabulary, TokenizerConfig::eosToken, "eos_token"),
                soleId(template.suffix()));

        SpecialsTemplate specials = template;
        if (config.isPresent() && (config.get().addBosToken().isPresent() || config.get().addEosToken().isPresent())) {
            TokenizerConfig c = config.get();
            boolean addBos = c.addBosToken().orElse(template.prefix().length > 0);
            boolean addEos = c.addEosToken().orElse(template.suffix().length > 0);
            if (addBos && bos.isEmpty()) {
                throw new ModelFormatException(c.file(), "add_bos_token", "is true but no bos_token is defined");
            }
            if (addEos && eos.isEmpty()) {
                throw new ModelFormatException(c.file(), "add_eos_token", "is true but no eos_token is defined");
            }
            specials = new SpecialsTemplate(addBos ? new int[] {bos.getAsInt()} : new int[0],
                    addEos ? new int[] {eos.getAsInt()} : new int[0]);
        }
        return new Tokenizer(modelDir, parts, specials, bos, eos);
    }

    private static OptionalInt configToken(Optional<TokenizerConfig> config, Vocabulary vocabulary,
                                           java.util.function.Function<TokenizerConfig, Optional<String>> field,
                                           String name) {
        if (config.isEmpty()) {
            return OptionalInt.empty();
        }
        Optional<String> token = field.apply(config.get());
        if (token.isEmpty()) {
            return OptionalInt.empty();
        }
        OptionalInt id = vocabulary.idOf(token.get());
        if (id.isEmpty()) {
            throw new ModelFormatException(config.get().file(), name,
                    "\"" + token.get() + "\" is not a token of tokenizer.json");
        }
        return id;
    }

    private static OptionalInt either(OptionalInt first, OptionalInt second) {
        return first.isPresent() ? first : second;
    }

    private static OptionalInt soleId(int[] ids) {
        return ids.length == 1 ? OptionalInt.of(ids[0]) : OptionalInt.empty();
    }

    /** Token ids for the text, with the BOS/EOS this tokenizer adds. */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Token ids for the text, with only what it says: no BOS/EOS are added. Special-token text
     * inside it ({@code "<|im_start|>"}) is still recognised as that token.
     */
    public int[] encodeWithoutSpecials(String text) {
        return encode(text, false);
    }

    /**
     * Token ids for the text; with {@code addSpecialTokens} the BOS/EOS this tokenizer adds go
     * around them. Unpaired surrogates, which are not text, are read as U+FFFD.
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        String input = Utf8.withoutLoneSurrogates(text);
        IntList ids = new IntList(input.length() / 3 + 4);
        for (AddedVocabulary.Segment raw : addedVocabulary.splitRaw(new TextPiece(input, true))) {
            if (raw.isAdded()) {
                ids.add(raw.addedId());
                continue;
            }
            if (raw.text().text().isEmpty()) {
                continue;
            }
            TextPiece normalized = raw.text().withText(normalizer.normalize(raw.text().text()));
            for (AddedVocabulary.Segment part : addedVocabulary.splitNormalized(normalized)) {
                if (part.isAdded()) {
                    ids.add(part.addedId());
                } else if (!part.text().text().isEmpty()) {
                    preTokenizer.split(part.text(), word -> model.tokenize(word.text(), ids));
                }
            }
        }
        int[] result = ids.toArray();
        return addSpecialTokens ? specials.wrap(result) : result;
    }

    /** The text of the ids with special tokens left out; ids that name no token are skipped. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** The text of the ids; ids that name no token are skipped, as the Rust tokenizers do. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        TokenStreamDecoder stream = streamDecoder(skipSpecialTokens);
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append(stream.push(id));
        }
        return text.append(stream.flush()).toString();
    }

    /** A streaming decoder that leaves special tokens out. */
    public TokenStreamDecoder streamDecoder() {
        return streamDecoder(true);
    }

    public TokenStreamDecoder streamDecoder(boolean skipSpecialTokens) {
        return new TokenStreamDecoder(vocabulary, decoder, skipSpecialTokens);
    }

    /**
     * The vocabulary entry of an id as written in tokenizer.json ({@code "▁the"}, {@code "Ġthe"},
     * {@code "<0x0A>"}, {@code "<|im_end|>"}), not its decoded text.
     *
     * @throws IllegalArgumentException when no token has this id
     */
    public String tokenText(int id) {
        return vocabulary.text(id).orElseThrow(() -> new IllegalArgumentException("no token has id " + id));
    }

    /** One more than the largest token id, added tokens included: the rows an embedding needs at least. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /**
     * The beginning-of-sequence token: tokenizer_config.json's {@code bos_token}, else the one
     * token the template puts first; empty when there is none (Qwen has none).
     */
    public OptionalInt bosId() {
        return bosId;
    }

    /** The end-of-sequence token: tokenizer_config.json's {@code eos_token}, else the one token the template puts last. */
    public OptionalInt eosId() {
        return eosId;
    }

    /** Whether the id is an added token flagged special (BOS, EOS, chat markers). */
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    /** The id of a vocabulary entry or added token, by its exact text. */
    public OptionalInt idOf(String token) {
        return vocabulary.idOf(token);
    }

    /** The added tokens of tokenizer.json, in file order. */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** The ids {@link #encode(String)} puts before the text. */
    public int[] prefixSpecialIds() {
        return specials.prefix();
    }

    /** The ids {@link #encode(String)} puts after the text. */
    public int[] suffixSpecialIds() {
        return specials.suffix();
    }

    /** The model directory this tokenizer was read from. */
    public Path directory() {
        return directory;
    }
}
