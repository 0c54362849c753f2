package org.specscope.engine.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.specscope.engine.model.ModelFormatException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A tokenizer that cannot be read as the reference would read it is refused with a
 * ModelFormatException whose message names the file and the field at fault.
 */
class MalformedTokenizerTest {

    private static final String MINIMAL = """
            {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": null,
             "post_processor": null, "decoder": null,
             "model": {"type": "BPE", "unk_token": null, "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}
            """;

    @TempDir
    Path temp;

    @Test
    void theMinimalTokenizerOfTheseTestsIsValid() throws IOException {
        Tokenizer tokenizer = Tokenizer.load(write(t -> { }));

        assertThat(tokenizer.encode("abba")).containsExactly(2, 1, 0);
        assertThat(tokenizer.decode(new int[] {2, 1, 0})).as("no decoder: tokens joined by spaces").isEqualTo("ab b a");
        assertThat(tokenizer.bosId()).isEmpty();
    }

    @Test
    void aMissingTokenizerJsonIsNamed() {
        ModelFormatException e = catchThrowableOfType(ModelFormatException.class, () -> Tokenizer.load(temp));

        assertThat(e.file()).isEqualTo(temp.resolve("tokenizer.json"));
        assertThat(e).hasMessageContaining("tokenizer.json").hasMessageContaining("not found");
    }

    @Test
    void aTokenizerJsonThatIsNotJsonIsNamed() throws IOException {
        Files.writeString(temp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\",");

        assertThatThrownBy(() -> Tokenizer.load(temp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("not valid JSON");
    }

    @Test
    void aModelOtherThanBpeIsRefused() throws IOException {
        assertRefused(t -> model(t).put("type", "WordPiece"), "model.type", "WordPiece");
        assertRefused(t -> model(t).put("type", "Unigram"), "model.type", "Unigram");
        assertRefused(t -> model(t).remove("type"), "model.type", "missing");
        assertRefused(t -> t.remove("model"), "model", "missing");
    }

    @Test
    void anUnknownPreTokenizerIsRefused() throws IOException {
        assertRefused(t -> t.putObject("pre_tokenizer").put("type", "Whitespace"), "pre_tokenizer.type", "Whitespace");
        assertRefused(t -> {
            ArrayNode steps = t.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
            steps.addObject().put("type", "ByteLevel");
            steps.addObject().put("type", "UnicodeScripts");
        }, "pre_tokenizer.pretokenizers[1].type", "UnicodeScripts");
    }

    @Test
    void anUnknownNormalizerDecoderOrPostProcessorIsRefused() throws IOException {
        assertRefused(t -> t.putObject("normalizer").put("type", "BertNormalizer"), "normalizer.type", "BertNormalizer");
        assertRefused(t -> t.putObject("decoder").put("type", "WordPiece"), "decoder.type", "WordPiece");
        assertRefused(t -> t.putObject("post_processor").put("type", "Unknown"), "post_processor.type", "Unknown");
    }

    @Test
    void mergesMustReferToTokensOfTheVocabulary() throws IOException {
        assertRefused(t -> model(t).putArray("merges").add("a b").add("a c"), "model.merges[1]", "\"c\" is not in model.vocab");
        assertRefused(t -> model(t).putArray("merges").add("b a"), "model.merges[0]", "merged token \"ba\"");
        assertRefused(t -> model(t).putArray("merges").add("a b c"), "model.merges[0]", "exactly one space");
        assertRefused(t -> model(t).putArray("merges").addArray().add("a").add("z"), "model.merges[0]", "\"z\"");
    }

    @Test
    void theVocabularyMustBeConsistent() throws IOException {
        assertRefused(t -> ((ObjectNode) model(t).get("vocab")).put("c", 1), "model.vocab[\"c\"]", "also the id of \"b\"");
        assertRefused(t -> ((ObjectNode) model(t).get("vocab")).put("c", -3), "model.vocab[\"c\"]", "non-negative");
        assertRefused(t -> model(t).put("unk_token", "<unk>"), "model.unk_token", "not in model.vocab");
    }

    @Test
    void aRegexJavaCannotCompileIsNamed() throws IOException {
        assertRefused(t -> {
            ObjectNode split = t.putObject("pre_tokenizer").put("type", "Split").put("behavior", "Isolated");
            split.putObject("pattern").put("Regex", "(?<unclosed");
        }, "pre_tokenizer.pattern.Regex", "not supported");
    }

    @Test
    void aTokenizerConfigNamingAnUnknownTokenIsRefused() throws IOException {
        Path dir = write(t -> { });
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");

        ModelFormatException e = catchThrowableOfType(ModelFormatException.class, () -> Tokenizer.load(dir));

        assertThat(e.file()).isEqualTo(dir.resolve("tokenizer_config.json"));
        assertThat(e.field()).isEqualTo("bos_token");
        assertThat(e).hasMessageContaining("tokenizer_config.json").hasMessageContaining("<s>");
    }

    @Test
    void addingABosThatDoesNotExistIsRefused() throws IOException {
        Path dir = write(t -> { });
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": true, \"bos_token\": null}");

        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer_config.json: add_bos_token");
    }

    @Test
    void aTokenizerConfigThatIsNotJsonIsNamed() throws IOException {
        Path dir = write(t -> { });
        Files.writeString(dir.resolve("tokenizer_config.json"), "not json");

        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("not valid JSON");
    }

    private void assertRefused(Consumer<ObjectNode> edit, String field, String problem) throws IOException {
        Path dir = write(edit);

        ModelFormatException e = catchThrowableOfType(ModelFormatException.class, () -> Tokenizer.load(dir));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.file()).isEqualTo(dir.resolve("tokenizer.json"));
        assertThat(e.field()).isEqualTo(field);
        assertThat(e).hasMessageContaining("tokenizer.json: " + field).hasMessageContaining(problem);
    }

    private Path write(Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createTempDirectory(temp, "tok");
        ObjectNode tokenizer = TokenizerFixtures.parseObject(MINIMAL);
        edit.accept(tokenizer);
        Files.writeString(dir.resolve("tokenizer.json"), TokenizerFixtures.JSON.writeValueAsString(tokenizer));
        return dir;
    }

    private static ObjectNode model(ObjectNode tokenizer) {
        return (ObjectNode) tokenizer.get("model");
    }
}
