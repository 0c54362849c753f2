package org.specscope.engine.model.safetensors;

import org.specscope.engine.model.LoadMonitor;
import org.specscope.engine.model.ModelFormatException;
import org.specscope.engine.tensor.Tensor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tensors of a model checkpoint: a directory holding {@value #INDEX_FILE} and its shards, or
 * {@value #SINGLE_FILE}, or exactly one other {@code *.safetensors} file; or a single
 * {@code .safetensors} file opened directly. Each file is mapped once; {@link #close()} unmaps all.
 *
 * <p>With an index, its {@code weight_map} says which shard holds each tensor; every shard it names
 * must exist and hold the tensors mapped to it. Tensors a shard holds beyond the map are also
 * available (the first shard, in index order, holding such a name wins).
 */
public final class Checkpoint implements TensorSource {

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private static final String EXPECTED = "expected " + INDEX_FILE + " with its shards, " + SINGLE_FILE
            + " or a single *.safetensors file";

    private final Path location;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileByTensor;

    private Checkpoint(Path location, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileByTensor) {
        this.location = location;
        this.files = List.copyOf(files);
        this.fileByTensor = Collections.unmodifiableMap(fileByTensor);
    }

    /**
     * Opens a model directory or a single safetensors file (an index file path opens its set).
     * Any problem is a {@link ModelFormatException} naming the directory or file at fault.
     */
    public static Checkpoint open(Path path) {
        return open(path, LoadMonitor.NONE);
    }

    /**
     * {@link #open(Path)}, telling {@code monitor} before each file is mapped; a cancellation
     * between files closes those already mapped.
     */
    public static Checkpoint open(Path path, LoadMonitor monitor) {
        if (Files.isDirectory(path)) {
            return openDirectory(path, monitor);
        }
        if (!Files.exists(path)) {
            throw new ModelFormatException(path, null,
                    "no such file or directory (expected a model directory or a .safetensors file)");
        }
        String fileName = fileName(path);
        if (fileName.endsWith(".index.json")) {
            return openIndexed(parentOf(path), path, monitor);
        }
        if (isPyTorchFile(fileName)) {
            throw new ModelFormatException(path, null, pyTorchAdvice());
        }
        return single(path, path, monitor);
    }

    private static Checkpoint openDirectory(Path dir, LoadMonitor monitor) {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndexed(dir, index, monitor);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single(dir, single, monitor);
        }
        List<Path> safetensors = new ArrayList<>();
        List<String> pyTorch = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path p : listing) {
                String name = fileName(p);
                if (name.endsWith(".safetensors") && Files.isRegularFile(p)) {
                    safetensors.add(p);
                } else if (isPyTorchFile(name)) {
                    pyTorch.add(name);
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException(dir, null, "cannot list the directory: " + e, e);
        }
        if (safetensors.size() == 1) {
            return single(dir, safetensors.getFirst(), monitor);
        }
        Collections.sort(safetensors);
        Collections.sort(pyTorch);
        if (safetensors.size() > 1) {
            throw new ModelFormatException(dir, null, "found " + safetensors.size() + " .safetensors files ("
                    + safetensors.stream().map(Checkpoint::fileName).collect(Collectors.joining(", "))
                    + ") but no " + INDEX_FILE + " saying which tensor each holds");
        }
        StringBuilder problem = new StringBuilder("no safetensors checkpoint found: ").append(EXPECTED);
        if (!pyTorch.isEmpty()) {
            problem.append("; found ").append(String.join(", ", pyTorch)).append(": ").append(pyTorchAdvice());
        }
        throw new ModelFormatException(dir, null, problem.toString());
    }

    private static boolean isPyTorchFile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".bin") || lower.endsWith(".pt") || lower.endsWith(".pth")
                || lower.equals("pytorch_model.bin.index.json");
    }

    private static String pyTorchAdvice() {
        return "PyTorch .bin checkpoints are not supported and must be converted to safetensors "
                + "(for example load the model with transformers and save_pretrained(dir, safe_serialization=True))";
    }

    private static Checkpoint single(Path location, Path file, LoadMonitor monitor) {
        monitor.step("mapping " + fileName(file), 0, 1);
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        for (String name : f.names()) {
            byTensor.put(name, f);
        }
        return new Checkpoint(location, List.of(f), byTensor);
    }

    private static Checkpoint openIndexed(Path dir, Path index, LoadMonitor monitor) {
        Map<String, String> weightMap = readWeightMap(index);

        // Which tensors each shard should hold, shards in order of first mention.
        Map<String, List<String>> tensorsByShard = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            tensorsByShard.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        Path root = dir.toAbsolutePath().normalize();
        Map<String, Path> shardPaths = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : tensorsByShard.entrySet()) {
            String shard = e.getKey();
            List<String> tensors = e.getValue();
            String forWhat = "for tensor " + tensors.getFirst()
                    + (tensors.size() > 1 ? " and " + (tensors.size() - 1) + " more" : "");
            Path shardPath;
            try {
                shardPath = root.resolve(shard).normalize();
            } catch (InvalidPathException ex) {
                throw new ModelFormatException(index, shard, "weight_map names an invalid shard path (" + forWhat + ")");
            }
            if (!shardPath.startsWith(root) || shardPath.equals(root)) {
                throw new ModelFormatException(index, shard,
                        "weight_map names a shard outside the model directory " + dir + " (" + forWhat + ")");
            }
            if (!Files.isRegularFile(shardPath)) {
                throw new ModelFormatException(index, shard, "shard named in weight_map (" + forWhat
                        + ") does not exist in " + dir);
            }
            shardPaths.put(shard, dir.resolve(shard));
        }

        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
            Map<Path, SafetensorsFile> byPath = new LinkedHashMap<>(); // "a" and "./a" are one file
            int shard = 0;
            for (Map.Entry<String, Path> e : shardPaths.entrySet()) {
                Path normalized = e.getValue().toAbsolutePath().normalize();
                SafetensorsFile f = byPath.get(normalized);
                monitor.step("mapping " + e.getKey(), shard++, shardPaths.size());
                if (f == null) {
                    f = SafetensorsFile.open(e.getValue());
                    opened.add(f);
                    byPath.put(normalized, f);
                }
                byShard.put(e.getKey(), f);
            }
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                SafetensorsFile f = byShard.get(e.getValue());
                if (!f.contains(e.getKey())) {
                    throw new ModelFormatException(f.path(), e.getKey(), "named in the weight_map of " + index
                            + " but absent from this shard");
                }
                byTensor.put(e.getKey(), f);
            }
            for (SafetensorsFile f : opened) {
                for (String name : f.names()) {
                    byTensor.putIfAbsent(name, f);
                }
            }
            return new Checkpoint(dir, opened, byTensor);
        } catch (RuntimeException e) {
            for (SafetensorsFile f : opened) {
                f.close();
            }
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            long size = Files.size(index);
            if (size > SafetensorsFile.MAX_HEADER_BYTES) {
                throw new ModelFormatException(index, null, size + " bytes is too large for an index file");
            }
            root = SafetensorsFile.JSON.readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw new ModelFormatException(index, null, "cannot read: " + e, e);
        } catch (JacksonException e) {
            throw new ModelFormatException(index, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(index, null, "must be a JSON object with a \"weight_map\", found "
                    + (root == null ? "nothing" : SafetensorsFile.describe(root)));
        }
        JsonNode map = root.get("weight_map");
        if (map == null) {
            throw new ModelFormatException(index, "weight_map", "missing (expected an object mapping tensor names to shard files)");
        }
        if (!map.isObject()) {
            throw new ModelFormatException(index, "weight_map",
                    "must be an object mapping tensor names to shard files, found " + SafetensorsFile.describe(map));
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            JsonNode v = e.getValue();
            if (!v.isString() || v.stringValue().isEmpty()) {
                throw new ModelFormatException(index, e.getKey(),
                        "weight_map value must be a shard file name, found " + SafetensorsFile.describe(v));
            }
            weightMap.put(e.getKey(), v.stringValue());
        }
        return weightMap;
    }

    private static String fileName(Path p) {
        Path name = p.getFileName();
        return name == null ? "" : name.toString();
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return file.getParent() != null ? file.getParent() : parent;
    }

    /** The files of this checkpoint, each opened once. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** The file holding {@code name}, if any. */
    public Optional<SafetensorsFile> fileOf(String name) {
        return Optional.ofNullable(fileByTensor.get(name));
    }

    @Override
    public Set<String> names() {
        return fileByTensor.keySet();
    }

    @Override
    public Optional<TensorInfo> info(String name) {
        SafetensorsFile f = fileByTensor.get(name);
        return f == null ? Optional.empty() : f.info(name);
    }

    @Override
    public Optional<Tensor> find(String name) {
        SafetensorsFile f = fileByTensor.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    @Override
    public Tensor require(String name, long... expectedShape) {
        SafetensorsFile f = fileByTensor.get(name);
        if (f == null) {
            throw new ModelFormatException(files.size() == 1 ? files.getFirst().path() : location, name,
                    "missing tensor (expected shape " + Arrays.toString(expectedShape) + ")" + suggestions(name));
        }
        TensorInfo info = f.info(name).orElseThrow();
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new ModelFormatException(f.path(), name, "wrong shape: expected " + Arrays.toString(expectedShape)
                    + " but the file has " + Arrays.toString(info.shape()) + " (" + info.dtypeName() + ")");
        }
        return f.tensor(name);
    }

    private String suggestions(String name) {
        List<String> close = NameSuggestions.closest(name, fileByTensor.keySet(), 3);
        if (!close.isEmpty()) {
            return "; did you mean " + close.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(" or "))
                    + "?";
        }
        if (fileByTensor.isEmpty()) {
            return "; the checkpoint holds no tensors";
        }
        List<String> sample = fileByTensor.keySet().stream().sorted().limit(3).toList();
        return "; the checkpoint holds " + fileByTensor.size() + " tensors, such as "
                + String.join(", ", sample);
    }

    @Override
    public long totalBytes() {
        long total = 0;
        for (SafetensorsFile f : files) {
            for (TensorInfo info : f.infos()) {
                total += info.byteSize();
            }
        }
        return total;
    }

    @Override
    public Map<String, Long> bytesByDTypeName() {
        Map<String, Long> bytes = new TreeMap<>();
        for (SafetensorsFile f : files) {
            for (TensorInfo info : f.infos()) {
                bytes.merge(info.dtypeName(), info.byteSize(), Long::sum);
            }
        }
        return Collections.unmodifiableMap(bytes);
    }

    @Override
    public Path location() {
        return location;
    }

    @Override
    public void close() {
        for (SafetensorsFile f : files) {
            f.close();
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + location + ", " + files.size() + " files, " + fileByTensor.size() + " tensors]";
    }
}
