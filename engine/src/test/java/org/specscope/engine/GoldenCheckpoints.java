package org.specscope.engine;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/**
 * The six small random-weight checkpoints under test resources and their float64 NumPy
 * reference outputs (engine/src/test/python/ makes both).
 */
public final class GoldenCheckpoints {

    /** One checkpoint per supported family. */
    public static final List<String> ALL = List.of(
            "mixtral-tiny", "olmoe-tiny", "qwen3-moe-tiny", "qwen2-moe-tiny", "llama-tiny", "qwen3-tiny");

    /** The MoE ones. */
    public static final List<String> MOE = ALL.subList(0, 4);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GoldenCheckpoints() {
    }

    public static Path checkpoint(String name) {
        return resource("/checkpoints/" + name);
    }

    public static Path golden(String name) {
        return resource("/golden/" + name);
    }

    public static JsonNode json(Path file) {
        return JSON.readTree(file);
    }

    /** The token ids the reference outputs of checkpoint {@code name} were computed for. */
    public static int[] inputIds(String name) {
        return ints(json(golden(name).resolve("input_ids.json")));
    }

    public static int[] ints(JsonNode array) {
        return array.values().stream().mapToInt(JsonNode::asInt).toArray();
    }

    public static Path resource(String name) {
        URL url = GoldenCheckpoints.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
