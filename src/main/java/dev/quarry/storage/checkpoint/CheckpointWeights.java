package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.python.PythonText;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * The weights of a checkpoint directory, as the reference loads them: {@code model.safetensors} if
 * present, otherwise every shard named in {@code model.safetensors.index.json} (or its {@code .gz}),
 * shards in sorted name order. Files are opened (headers validated) and tensor bytes mapped on demand.
 */
public final class CheckpointWeights implements AutoCloseable {

  static final String SINGLE_FILE = "model.safetensors";
  static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> owners;

  private CheckpointWeights(List<SafetensorsFile> files, Map<String, SafetensorsFile> owners) {
    this.files = files;
    this.owners = owners;
  }

  /** Opens the weights of {@code directory}; fails clearly if there are none or a shard is missing. */
  public static CheckpointWeights open(Path directory) throws IOException {
    List<Path> paths = weightFiles(directory);
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, SafetensorsFile> owners = new LinkedHashMap<>();
    try {
      for (Path path : paths) {
        SafetensorsFile file = SafetensorsFile.open(path);
        files.add(file);
        for (TensorInfo tensor : file.tensors()) {
          if (owners.putIfAbsent(tensor.name(), file) != null) {
            throw new CorruptCheckpointException("tensor '" + tensor.name() + "' appears in two shards of " + directory);
          }
        }
      }
    } catch (IOException | RuntimeException exception) {
      for (SafetensorsFile file : files) {
        file.close();
      }
      throw exception;
    }
    return new CheckpointWeights(List.copyOf(files), owners);
  }

  /** The weight files of a checkpoint directory, in the order the reference loads them. */
  static List<Path> weightFiles(Path directory) throws IOException {
    Path single = directory.resolve(SINGLE_FILE);
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    Path index = directory.resolve(INDEX_FILE);
    Path gzipIndex = directory.resolve(INDEX_FILE + ".gz");
    JsonNode root;
    if (Files.isRegularFile(index)) {
      root = JSON.readTree(index.toFile());
    } else if (Files.isRegularFile(gzipIndex)) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipIndex))) {
        root = JSON.readTree(in);
      }
    } else {
      throw new CorruptCheckpointException("no model weights in " + directory + " (neither " + SINGLE_FILE + " nor "
          + INDEX_FILE + ")");
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
      throw new CorruptCheckpointException("invalid safetensors index in " + directory + ": missing or empty weight_map");
    }
    TreeSet<String> shards = new TreeSet<>(PythonText.ORDER);
    weightMap.elements().forEachRemaining(node -> shards.add(node.asText()));
    List<Path> paths = new ArrayList<>();
    for (String shard : shards) {
      Path path = CheckpointFiles.resolveInside(directory, shard);
      if (!Files.isRegularFile(path)) {
        throw new CorruptCheckpointException("missing shard referenced by the index: " + path);
      }
      paths.add(path);
    }
    return paths;
  }

  /** Every tensor name, in the order the reference's loader yields them (shard by shard, by data offset). */
  public List<String> namesInLoadOrder() {
    List<String> names = new ArrayList<>();
    for (SafetensorsFile file : files) {
      file.tensors().stream().sorted(Comparator.comparingLong(TensorInfo::dataBegin))
          .forEach(tensor -> names.add(tensor.name()));
    }
    return names;
  }

  public TensorInfo info(String name) {
    return owners.get(name).tensor(name).orElseThrow();
  }

  public boolean contains(String name) {
    return owners.containsKey(name);
  }

  /** A read-only mapping of the tensor's bytes. */
  public ByteBuffer map(String name) throws IOException {
    return owners.get(name).map(name);
  }

  /** XXH3-128 over all tensors' bytes in sorted name order: the checkpoint's {@code weights_hash}. */
  public String weightsHash() throws IOException {
    Map<String, ByteBuffer> tensors = new LinkedHashMap<>();
    for (String name : owners.keySet()) {
      tensors.put(name, map(name));
    }
    return WeightsHash.ofTensors(tensors);
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (SafetensorsFile file : files) {
      try {
        file.close();
      } catch (IOException exception) {
        failure = exception;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
