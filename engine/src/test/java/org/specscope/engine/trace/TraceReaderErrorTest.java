package org.specscope.engine.trace;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every way a trace file can be wrong is one TraceFormatException naming the file, the line and the field. */
class TraceReaderErrorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private RecordedRun run;
    /** Header, three steps with MoE layers, end: lines 1 to 5. */
    private List<String> lines;

    @BeforeEach
    void writeAValidTrace() throws IOException {
        run = new TraceFixtures(17).run(3, true, 1);
        Path file = dir.resolve("valid.jsonl");
        try (JsonLinesTraceWriter writer = new JsonLinesTraceWriter(file)) {
            run.replay(writer);
        }
        lines = Files.readAllLines(file);
        assertThat(lines).hasSize(5);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.jsonl");

        TraceFormatException e = failure(() -> TraceReader.read(missing));

        assertThat(e).hasMessage(missing + ": file not found");
        assertThat(e.source()).isEqualTo(missing.toString());
        assertThat(e.line()).isZero();
    }

    @Test
    void anUnreadableFileIsNamed() {
        TraceFormatException e = failure(() -> TraceReader.read(dir)); // a directory

        assertThat(e.getMessage()).startsWith(dir + ": cannot be read");
    }

    @Test
    void anEmptyFileHasNoHeader() throws IOException {
        Path empty = file("");

        TraceFormatException e = failure(() -> TraceReader.read(empty));

        assertThat(e.getMessage()).endsWith("empty.jsonl: no header: a trace file starts with a complete header line");
    }

    @Test
    void aLineThatIsNotJsonIsNamedByNumber() throws IOException {
        lines.set(2, "step 2 went fine");

        TraceFormatException e = failure(() -> TraceReader.read(file(lines)));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("trace.jsonl: line 3: not valid JSON: Unrecognized token 'step'");
    }

    @Test
    void aLineThatIsJsonButNotAnObjectIsRefused() throws IOException {
        lines.set(1, "[1, 2, 3]");

        assertThatThrownBy(() -> TraceReader.read(file(lines))).isInstanceOf(TraceFormatException.class)
                .hasMessageEndingWith("line 2: expected a JSON object (one record per line), got array");
    }

    @Test
    void aDuplicatedFieldIsNotValidJson() throws IOException {
        lines.set(1, lines.get(1).replaceFirst("\\{", "{\"step\":9,"));

        assertThatThrownBy(() -> TraceReader.read(file(lines))).isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("line 2: not valid JSON: Duplicate Object property \"step\"");
    }

    @Test
    void anUnknownRecordTypeIsNamed() throws IOException {
        edit(2, o -> o.put("type", "stepp"));

        TraceFormatException e = failure(() -> TraceReader.read(file(lines)));

        assertThat(e.field()).isEqualTo("type");
        assertThat(e.getMessage()).endsWith("line 3: type: expected \"header\", \"step\" or \"end\", got \"stepp\"");
    }

    @Test
    void aRecordWithoutTypeIsNamed() throws IOException {
        edit(2, o -> o.remove("type"));

        assertThat(failure(() -> TraceReader.read(file(lines)))).hasMessageEndingWith("line 3: type: missing");
    }

    @Test
    void aTraceMustStartWithItsHeader() throws IOException {
        TraceFormatException e = failure(() -> TraceReader.read(file(lines.subList(1, 5))));

        assertThat(e).hasMessageEndingWith("line 1: type: expected the header first, got a \"step\" record");
    }

    @Test
    void aNewerSchemaIsRefusedByVersionEvenIfItsFieldsChanged() throws IOException {
        edit(0, o -> {
            o.put("schema", 2);
            o.remove("model");
            o.put("modelName", "renamed in schema 2");
        });

        TraceFormatException e = failure(() -> TraceReader.read(file(lines)));

        assertThat(e).hasMessageEndingWith("line 1: schema: trace schema 2 is newer than this SpecScope reads (1)");
    }

    @Test
    void aSchemaBelowOneIsRefused() throws IOException {
        edit(0, o -> o.put("schema", 0));

        assertThat(failure(() -> TraceReader.read(file(lines)))).hasMessageContaining("line 1: schema: expected a schema");
    }

    @Test
    void aMissingFieldIsNamedByItsPath() throws IOException {
        edit(1, o -> ((ObjectNode) o.get("tree")).remove("parents"));

        TraceFormatException e = failure(() -> TraceReader.read(file(lines)));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.field()).isEqualTo("tree.parents");
        assertThat(e).hasMessageEndingWith("trace.jsonl: line 2: tree.parents: missing");
    }

    @Test
    void aMissingNullableFieldIsStillMissing() throws IOException {
        edit(3, o -> o.remove("quality"));

        assertThat(failure(() -> TraceReader.read(file(lines)))).hasMessageEndingWith("line 4: quality: missing");
    }

    @Test
    void aMissingHeaderFieldIsNamed() throws IOException {
        edit(0, o -> ((ObjectNode) o.get("settings").get("sampling")).remove("seed"));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 1: settings.sampling.seed: missing");
    }

    @Test
    void aWronglyTypedFieldNamesWhatWasExpectedAndWhatWasFound() throws IOException {
        edit(1, o -> ((ObjectNode) o.get("controller")).put("k", "four"));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 2: controller.k: expected a 32-bit integer, got a string \"four\"");
    }

    @Test
    void aWronglyTypedArrayElementIsNamedByIndex() throws IOException {
        edit(2, o -> ((ArrayNode) o.get("layers").get(0).get("mass")).set(1, "lots"));

        assertThat(failure(() -> TraceReader.read(file(lines)))).hasMessageEndingWith(
                "line 3: layers[0].mass[1]: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got a string \"lots\"");
    }

    @Test
    void anIntegerFieldRefusesFractionsAndOverflow() throws IOException {
        edit(1, o -> o.put("step", 1.5));
        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 2: step: expected a 32-bit integer, got the number 1.5");

        edit(1, o -> o.put("step", 10_000_000_000L));
        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 2: step: expected a 32-bit integer, got the integer 10000000000");
    }

    @Test
    void anArrayFieldHoldingSomethingElseIsNamed() throws IOException {
        edit(4, o -> o.put("generatedIds", "1 2 3"));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 5: generatedIds: expected an array, got a string \"1 2 3\"");
    }

    @Test
    void anUnknownEnumNameListsTheNamesAllowed() throws IOException {
        edit(1, o -> ((ObjectNode) o.get("controller")).put("phase", "SET"));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 2: controller.phase: expected one of [fixed, baseline, test, set], got \"SET\"");
    }

    @Test
    void anUnknownSelectionPolicyIsNamed() throws IOException {
        edit(0, o -> ((ObjectNode) o.get("settings").get("budget").get("selection")).put("policy", "magic"));

        assertThat(failure(() -> TraceReader.read(file(lines)))).hasMessageEndingWith(
                "line 1: settings.budget.selection.policy: expected one of [unbudgeted, fixed, coverage], got \"magic\"");
    }

    @Test
    void aRecordThatBreaksItsOwnRulesIsNamedWithTheRule() throws IOException {
        edit(1, o -> ((ArrayNode) o.get("tree").get("tokens")).add(7)); // one token more than texts

        TraceFormatException e = failure(() -> TraceReader.read(file(lines)));

        assertThat(e.field()).isEqualTo("tree");
        assertThat(e.getMessage()).contains("line 2: tree: invalid: a tree trace needs one token, text, parent");
    }

    @Test
    void anOutOfRangeSettingIsNamed() throws IOException {
        edit(0, o -> ((ObjectNode) o.get("settings").get("sampling")).put("topP", 2.0));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageContaining("line 1: settings.sampling: invalid: top-p must be in (0, 1], got 2.0");
    }

    @Test
    void theUtilityMayBeNullOrTheStringNaN() throws IOException {
        edit(1, o -> ((ObjectNode) o.get("controller")).putNull("utility"));
        edit(2, o -> ((ObjectNode) o.get("controller")).put("utility", "NaN"));

        RecordedRun back = TraceReader.read(file(lines));

        assertThat(back.steps().get(0).controller().utility()).isNaN();
        assertThat(back.steps().get(1).controller().utility()).isNaN();
    }

    @Test
    void fieldsThisReaderDoesNotKnowAreIgnored() throws IOException {
        edit(1, o -> o.put("addedLater", "a writer may add fields within a schema"));

        assertThat(TraceReader.read(file(lines))).isEqualTo(run);
    }

    @Test
    void aSecondHeaderIsRefused() throws IOException {
        lines.add(2, lines.getFirst());

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 3: type: a second header: one trace file holds one run");
    }

    @Test
    void recordsAfterTheEndAreRefused() throws IOException {
        lines.add(lines.get(3));

        assertThat(failure(() -> TraceReader.read(file(lines))))
                .hasMessageEndingWith("line 6: type: a \"step\" record after the end record");
    }

    @Test
    void aTruncatedLastLineIsReportedAsTruncatedInStrictMode() throws IOException {
        Path file = cutInsideLine(4, 100); // the run died writing step 3

        TraceFormatException e = failure(() -> TraceReader.read(file));

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("line 4: truncated: the file ends in the middle of this record")
                .contains("lenient mode");
    }

    @Test
    void theLenientModeKeepsTheCompleteLinesBeforeATruncatedOne() throws IOException {
        Path file = cutInsideLine(4, 100);

        RecordedRun back = TraceReader.read(file, TraceReader.Mode.LENIENT);

        assertThat(back.header()).isEqualTo(run.header());
        assertThat(back.steps()).isEqualTo(run.steps().subList(0, 2));
        assertThat(back.finished()).isFalse();
    }

    @Test
    void aTruncatedEndLineLeavesEveryStep() throws IOException {
        RecordedRun back = TraceReader.read(cutInsideLine(5, 20), TraceReader.Mode.LENIENT);

        assertThat(back.steps()).isEqualTo(run.steps());
        assertThat(back.end()).isNull();
    }

    @Test
    void aCutThroughAMultiByteCharacterIsATruncationNotAnEncodingError() throws IOException {
        String text = String.join("\n", lines.subList(0, 2)) + "\n" + "{\"type\":\"step\",\"emittedText\":\"日本";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("cut.jsonl");
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1)); // half of 本

        assertThat(failure(() -> TraceReader.read(file))).hasMessageContaining("line 3: truncated");
        assertThat(TraceReader.read(file, TraceReader.Mode.LENIENT).steps()).hasSize(1);
    }

    @Test
    void aCompleteLastLineWithoutItsNewlineIsNotTruncated() throws IOException {
        Path file = dir.resolve("no-final-newline.jsonl");
        Files.writeString(file, String.join("\n", lines));

        assertThat(TraceReader.read(file)).isEqualTo(run);
    }

    @ParameterizedTest
    @EnumSource(TraceReader.Mode.class)
    void aMalformedCompleteLineIsAnErrorInEitherMode(TraceReader.Mode mode) throws IOException {
        lines.set(2, lines.get(2).substring(0, 100)); // cut, but followed by more lines

        assertThat(failure(() -> TraceReader.read(file(lines), mode))).hasMessageContaining("line 3: not valid JSON");
    }

    @Test
    void aTruncatedHeaderLeavesNothingToKeep() throws IOException {
        Path file = dir.resolve("header-cut.jsonl");
        Files.writeString(file, lines.getFirst().substring(0, 50));

        assertThat(failure(() -> TraceReader.read(file, TraceReader.Mode.LENIENT))).hasMessageContaining("no header");
    }

    @Test
    void theStreamingReplayDeliversEveryRecordBeforeTheFaultyLine() throws IOException {
        edit(3, o -> o.remove("timings"));
        List<Integer> steps = new ArrayList<>();

        TraceFormatException e = failure(() -> TraceReader.replay(file(lines), TraceReader.Mode.STRICT,
                step -> steps.add(step.step())));

        assertThat(steps).containsExactly(0, 1);
        assertThat(e).hasMessageEndingWith("line 4: timings: missing");
    }

    // --- helpers ---

    private static TraceFormatException failure(Runnable read) {
        return catchThrowableOfType(TraceFormatException.class, read::run);
    }

    private void edit(int index, Consumer<ObjectNode> change) {
        ObjectNode node = (ObjectNode) JSON.readTree(lines.get(index));
        change.accept(node);
        lines.set(index, JSON.writeValueAsString(node));
    }

    private Path file(List<String> content) {
        Path file = dir.resolve("trace.jsonl");
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private Path file(String content) throws IOException {
        Path file = dir.resolve("empty.jsonl");
        Files.writeString(file, content);
        return file;
    }

    /** The valid trace up to {@code keepChars} characters into line {@code lineNumber}, as a crash leaves it. */
    private Path cutInsideLine(int lineNumber, int keepChars) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lineNumber - 1; i++) {
            text.append(lines.get(i)).append('\n');
        }
        text.append(lines.get(lineNumber - 1), 0, keepChars);
        Path file = dir.resolve("crashed.jsonl");
        Files.writeString(file, text);
        return file;
    }
}
