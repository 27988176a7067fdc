package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes checkpoints the way Grail's trainer does ({@code checkpoint_publisher.py} and
 * {@code upload_worker.py}), for the embedded default's local trainer, so miners exercise their real
 * consumer path end to end.
 *
 * <p>{@link #publish} keeps the trainer's schedule: the first checkpoint is FULL; later ones are
 * DELTAs against the previous checkpoint (new values where any bit changed, encoded with the
 * configured codec), with a FULL published as well at anchor windows (every 300 blocks) or when the
 * chain since the last FULL reaches 10; a DELTA that cannot describe the change (tensors added or
 * reshaped) becomes a FULL. Files go up first, then {@code metadata.json} (with the sha256 manifest
 * and {@code weights_hash}), {@code manifest.sig} when a signer is given, and the FULL/DELTA marker;
 * {@link #markReady} adds {@code READY-{R}} once the caller knows the window the upload finished in.
 */
public final class CheckpointPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Files in a model directory that are never published as checkpoint content. */
  private static final Set<String> NOT_PUBLISHED = Set.of(CheckpointKeys.METADATA_FILE, CheckpointKeys.SIGNATURE_FILE,
      "FULL", "DELTA", "snapshot_metadata.json");

  /** Signs the canonical metadata text (the trainer signs with its sr25519 hotkey); returns hex. */
  @FunctionalInterface
  public interface MetadataSigner {
    String signHex(byte[] canonicalMetadata);
  }

  /** What one {@link #publish} call put in the bucket. */
  public record PublishedCheckpoint(long window, CheckpointType type, boolean fullAlsoPublished, String weightsHash,
      long bytesUploaded) {}

  private final ObjectStore store;
  private final PublisherSettings settings;
  private final Path workDirectory;
  private final Optional<MetadataSigner> signer;
  private long previousWindow = -1;
  private long anchorWindow = -1;
  private int chainLength;

  /**
   * @param store the trainer's bucket, opened for writing
   * @param workDirectory where the previous checkpoint's weights are kept to compute the next delta
   */
  public CheckpointPublisher(ObjectStore store, PublisherSettings settings, Path workDirectory,
      Optional<MetadataSigner> signer) {
    this.store = store;
    this.settings = settings;
    this.workDirectory = workDirectory;
    this.signer = signer;
  }

  /** Publishes the model in {@code modelDirectory} as checkpoint {@code window}, FULL or DELTA per the schedule. */
  public synchronized PublishedCheckpoint publish(long window, Path modelDirectory) throws IOException {
    if (previousWindow >= 0 && window <= previousWindow) {
      throw new IllegalArgumentException("checkpoint " + window + " is not after the last published one (" + previousWindow + ")");
    }
    PublishedCheckpoint result;
    Path previousWeights = workDirectory.resolve("previous");
    if (previousWindow < 0) {
      result = publishFull(window, modelDirectory, Math.max(0, window - settings.retention().windowLength()));
      anchorWindow = window;
      chainLength = 0;
    } else {
      Optional<List<TensorDelta>> delta = computeDelta(previousWeights, modelDirectory);
      if (delta.isEmpty()) {
        LOG.info("checkpoint-{}: tensors differ in name, type or shape from checkpoint-{}; publishing FULL", window,
            previousWindow);
        result = publishFull(window, modelDirectory, previousWindow);
        anchorWindow = window;
        chainLength = 0;
      } else {
        boolean anchorDue = settings.retention().isAnchor(window)
            || chainLength >= settings.retention().anchorIntervalWindows();
        PublishedCheckpoint deltaResult = publishDelta(window, modelDirectory, delta.get(), previousWindow, anchorWindow);
        long bytes = deltaResult.bytesUploaded();
        if (anchorDue) {
          bytes += publishFull(window, modelDirectory, previousWindow).bytesUploaded();
          anchorWindow = window;
          chainLength = 0;
        } else {
          chainLength++;
        }
        result = new PublishedCheckpoint(window, CheckpointType.DELTA, anchorDue, deltaResult.weightsHash(), bytes);
      }
    }
    rememberWeights(modelDirectory, previousWeights);
    previousWindow = window;
    return result;
  }

  /** Adds {@code checkpoint-{window}/READY-{readyWindow}}: from now on miners may select it. */
  public void markReady(long window, long readyWindow) throws ObjectStoreException {
    store.put(CheckpointKeys.readyMarkerKey(window, readyWindow), new byte[0]);
    LOG.info("checkpoint-{} READY at window {}", window, readyWindow);
  }

  /** Uploads a FULL checkpoint: every file of the model directory, then metadata, signature and marker. */
  public PublishedCheckpoint publishFull(long window, Path modelDirectory, long parentWindow) throws IOException {
    Map<String, Path> files = publishableFiles(modelDirectory);
    Map<String, String> manifest = new TreeMap<>();
    for (Map.Entry<String, Path> file : files.entrySet()) {
      manifest.put(file.getKey(), CheckpointFiles.sha256(file.getValue()));
    }
    String weightsHash;
    try (CheckpointWeights weights = CheckpointWeights.open(modelDirectory)) {
      weightsHash = weights.weightsHash();
    }
    String prefix = CheckpointKeys.typePrefix(window, CheckpointType.FULL) + "/";
    long bytes = 0;
    for (Map.Entry<String, Path> file : files.entrySet()) {
      bytes += store.put(prefix + file.getKey(), file.getValue()).size();
    }
    ObjectNode metadata = metadata(window, parentWindow, manifest, CheckpointType.FULL, OptionalLong.empty(),
        OptionalLong.empty(), weightsHash, settings.modelName());
    bytes += uploadMetadataAndMarker(prefix, metadata, "FULL");
    LOG.info("published FULL checkpoint-{} ({} files, {} bytes)", window, files.size(), bytes);
    return new PublishedCheckpoint(window, CheckpointType.FULL, true, weightsHash, bytes);
  }

  private PublishedCheckpoint publishDelta(long window, Path modelDirectory, List<TensorDelta> delta, long prevWindow,
      long anchor) throws IOException {
    byte[] encoded = SparseDeltaCodec.encode(settings.deltaFormat(), delta);
    long totalParams;
    String weightsHash;
    try (CheckpointWeights current = CheckpointWeights.open(modelDirectory)) {
      weightsHash = current.weightsHash();
      totalParams = 0;
      for (String name : current.namesInLoadOrder()) {
        totalParams += current.info(name).elementCount();
      }
    }
    long changed = delta.stream().mapToLong(TensorDelta::count).sum();
    ObjectNode deltaInfo = JSON.createObjectNode();
    deltaInfo.put("format", settings.deltaFormat().formatName());
    deltaInfo.put("threshold", 0.0);
    deltaInfo.put("prev_window", prevWindow);
    deltaInfo.put("anchor_window", anchor);
    ObjectNode shapes = deltaInfo.putObject("shapes");
    for (TensorDelta tensor : delta) {
      if (tensor.count() > 0) {
        shapes.set(tensor.name(), JSON.valueToTree(tensor.shape()));
      }
    }
    deltaInfo.put("total_params", totalParams);
    deltaInfo.put("nonzero_params", changed);
    deltaInfo.put("sparsity_ratio", totalParams > 0 ? 1.0 - (double) changed / totalParams : 1.0);
    byte[] deltaInfoBytes = CheckpointFiles.metadataText(deltaInfo).getBytes(StandardCharsets.UTF_8);
    Map<String, String> manifest = new TreeMap<>();
    manifest.put(CheckpointKeys.DELTA_FILE, CheckpointFiles.sha256(encoded));
    manifest.put(CheckpointKeys.DELTA_METADATA_FILE, CheckpointFiles.sha256(deltaInfoBytes));
    String prefix = CheckpointKeys.typePrefix(window, CheckpointType.DELTA) + "/";
    long bytes = store.put(prefix + CheckpointKeys.DELTA_FILE, encoded).size();
    bytes += store.put(prefix + CheckpointKeys.DELTA_METADATA_FILE, deltaInfoBytes).size();
    ObjectNode metadata = metadata(window, prevWindow, manifest, CheckpointType.DELTA, OptionalLong.of(prevWindow),
        OptionalLong.of(anchor), weightsHash, "async_trainer_snapshot");
    bytes += uploadMetadataAndMarker(prefix, metadata, "DELTA");
    LOG.info("published DELTA checkpoint-{} (prev {}, anchor {}, {} of {} values changed, {} bytes)", window, prevWindow,
        anchor, changed, totalParams, bytes);
    return new PublishedCheckpoint(window, CheckpointType.DELTA, false, weightsHash, bytes);
  }

  /** metadata.json as the reference writes it: the dataclass fields in order, then config_hash. */
  private ObjectNode metadata(long window, long parentWindow, Map<String, String> manifest, CheckpointType type,
      OptionalLong prevWindow, OptionalLong anchor, String weightsHash, String modelName) {
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("window", window);
    ObjectNode manifestNode = metadata.putObject("file_manifest");
    manifest.forEach(manifestNode::put);
    metadata.set("training_config", settings.trainingConfig());
    metadata.put("git_commit", settings.gitCommit());
    metadata.put("created_at", System.currentTimeMillis() / 1000.0);
    metadata.put("model_name", modelName);
    metadata.put("parent_window", parentWindow);
    metadata.put("checkpoint_type", type.name());
    putOptional(metadata, "prev_window", prevWindow);
    putOptional(metadata, "anchor_window", anchor);
    metadata.put("weights_hash", weightsHash);
    metadata.put("env_id", settings.envId());
    metadata.set("env_params", settings.envParams());
    metadata.set("generation_params", settings.generationParams());
    metadata.put("thinking_mode", settings.thinkingMode().id());
    metadata.put("config_hash", CheckpointFiles.configHash(settings.trainingConfig()));
    return metadata;
  }

  private static void putOptional(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }

  private long uploadMetadataAndMarker(String prefix, ObjectNode metadata, String marker) throws ObjectStoreException {
    long bytes = store.put(prefix + CheckpointKeys.METADATA_FILE,
        CheckpointFiles.metadataText(metadata).getBytes(StandardCharsets.UTF_8)).size();
    if (signer.isPresent()) {
      String signature = signer.get().signHex(
          CheckpointFiles.pythonJson(metadata, PythonJson.Style.COMPACT_SORTED).getBytes(StandardCharsets.UTF_8));
      bytes += store.put(prefix + CheckpointKeys.SIGNATURE_FILE, signature.getBytes(StandardCharsets.US_ASCII)).size();
    }
    store.put(prefix + marker, new byte[0]);
    return bytes;
  }

  /** Relative path (with '/') to file, for everything a FULL checkpoint should carry. */
  static Map<String, Path> publishableFiles(Path modelDirectory) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(modelDirectory)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String relative = modelDirectory.relativize(file).toString().replace('\\', '/');
        String name = file.getFileName().toString();
        if (NOT_PUBLISHED.contains(relative) || name.startsWith(".") || name.startsWith("READY-")) {
          continue;
        }
        files.put(relative, file);
      }
    }
    if (files.isEmpty()) {
      throw new IOException("nothing to publish in " + modelDirectory);
    }
    return files;
  }

  /**
   * New values wherever any bit of a tensor changed (the reference compares with {@code !=}, which
   * misses a 0.0 to -0.0 flip; comparing bits keeps the rebuilt weights identical). Empty when the
   * tensors' names, types or shapes differ, which a delta cannot express.
   */
  static Optional<List<TensorDelta>> computeDelta(Path previousDirectory, Path currentDirectory) throws IOException {
    try (CheckpointWeights previous = CheckpointWeights.open(previousDirectory);
        CheckpointWeights current = CheckpointWeights.open(currentDirectory)) {
      List<String> names = current.namesInLoadOrder();
      if (!new TreeSet<>(names).equals(new TreeSet<>(previous.namesInLoadOrder()))) {
        return Optional.empty();
      }
      List<TensorDelta> deltas = new ArrayList<>();
      for (String name : names) {
        TensorInfo now = current.info(name);
        TensorInfo before = previous.info(name);
        if (now.dtype() != before.dtype() || !Arrays.equals(now.shape(), before.shape())) {
          return Optional.empty();
        }
        if (now.shape().length == 0 || !now.dtype().isFloatingPoint() || now.dtype().byteWidth() == 8) {
          if (!current.map(name).equals(previous.map(name))) {
            return Optional.empty(); // the codec cannot carry 0-d or non-float tensors
          }
          continue;
        }
        changedElements(name, now, previous.map(name), current.map(name)).ifPresent(deltas::add);
      }
      return Optional.of(deltas);
    }
  }

  private static Optional<TensorDelta> changedElements(String name, TensorInfo info, ByteBuffer before, ByteBuffer after) {
    int width = info.dtype().byteWidth();
    long count = info.elementCount();
    List<Long> positions = new ArrayList<>();
    ByteArrayOutputStream values = new ByteArrayOutputStream();
    long byteLength = count * width;
    long chunk = 0;
    // compare eight bytes at a time; only differing words are examined element by element
    for (; chunk + 8 <= byteLength; chunk += 8) {
      if (before.getLong((int) chunk) != after.getLong((int) chunk)) {
        collect(chunk, chunk + 8, width, before, after, positions, values);
      }
    }
    if (chunk < byteLength) {
      collect(chunk, byteLength, width, before, after, positions, values);
    }
    if (positions.isEmpty()) {
      return Optional.empty();
    }
    long[] flat = positions.stream().mapToLong(Long::longValue).toArray();
    return Optional.of(new TensorDelta(name, info.shape(), flat, DeltaValueType.of(info.dtype()),
        ByteBuffer.wrap(values.toByteArray()).order(ByteOrder.LITTLE_ENDIAN)));
  }

  private static void collect(long from, long to, int width, ByteBuffer before, ByteBuffer after, List<Long> positions,
      ByteArrayOutputStream values) {
    for (long offset = from - (from % width); offset < to; offset += width) {
      if (!positions.isEmpty() && positions.get(positions.size() - 1) == offset / width) {
        continue;
      }
      boolean differs = false;
      for (int b = 0; b < width && !differs; b++) {
        differs = before.get((int) offset + b) != after.get((int) offset + b);
      }
      if (differs) {
        positions.add(offset / width);
        for (int b = 0; b < width; b++) {
          values.write(after.get((int) offset + b));
        }
      }
    }
  }

  /** Keeps a copy of the just-published weights to diff the next checkpoint against. */
  private static void rememberWeights(Path modelDirectory, Path into) throws IOException {
    Path staging = into.resolveSibling(into.getFileName() + ".next");
    CheckpointConsumer.deleteTree(staging);
    Files.createDirectories(staging);
    for (Path file : CheckpointWeights.weightFiles(modelDirectory)) {
      Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    Path index = modelDirectory.resolve(CheckpointWeights.INDEX_FILE);
    if (Files.isRegularFile(index) && !Files.isRegularFile(modelDirectory.resolve(CheckpointWeights.SINGLE_FILE))) {
      Files.copy(index, staging.resolve(CheckpointWeights.INDEX_FILE), StandardCopyOption.REPLACE_EXISTING);
    }
    CheckpointConsumer.deleteTree(into);
    Files.move(staging, into);
  }

  // ------------------------------------------------------------------ remote retention

  /**
   * Deletes remote checkpoints the trainer no longer needs: kept are the retention windows for the
   * newest checkpoint, the newest {@code keepFull} FULL and {@code keepDelta} DELTA checkpoints, and
   * every checkpoint a kept delta's chain passes through back to its anchor. Returns how many
   * checkpoint directories were deleted.
   */
  public int removeExpired() throws IOException {
    List<ObjectInfo> objects = store.list(CheckpointKeys.PREFIX);
    TreeSet<Long> all = new TreeSet<>();
    TreeSet<Long> deltas = new TreeSet<>();
    for (ObjectInfo object : objects) {
      String[] parts = object.key().split("/");
      if (parts.length >= 3 && parts[2].startsWith("checkpoint-")) {
        try {
          long window = Long.parseLong(parts[2].substring("checkpoint-".length()));
          all.add(window);
          if (parts.length >= 4 && parts[3].equals("DELTA")) {
            deltas.add(window);
          }
        } catch (NumberFormatException ignored) {
          // not a checkpoint directory
        }
      }
    }
    if (all.isEmpty()) {
      return 0;
    }
    // as in the reference, a window with both FULL and DELTA counts as a delta window here
    TreeSet<Long> fulls = new TreeSet<>(all);
    fulls.removeAll(deltas);
    Set<Long> keep = new TreeSet<>(settings.retention().windowsToKeep(all.last()));
    fulls.descendingSet().stream().limit(settings.keepFull()).forEach(keep::add);
    List<Long> recentDeltas = deltas.descendingSet().stream().limit(settings.keepDelta()).toList();
    keep.addAll(recentDeltas);
    Map<Long, long[]> links = new HashMap<>();
    for (long delta : deltas) {
      try {
        JsonNode metadata = JSON.readTree(store.get(CheckpointKeys.metadataKey(delta, CheckpointType.DELTA), 1 << 24));
        links.put(delta, new long[] {metadata.path("prev_window").asLong(-1), metadata.path("anchor_window").asLong(-1)});
      } catch (IOException exception) {
        LOG.debug("no chain information for delta {}: {}", delta, exception.getMessage());
      }
    }
    Set<Long> retainedDeltas = new TreeSet<>(recentDeltas);
    for (long window : keep) {
      if (deltas.contains(window)) {
        retainedDeltas.add(window);
      }
    }
    for (long delta : retainedDeltas) {
      long[] link = links.get(delta);
      if (link == null) {
        Long nearestFull = fulls.lower(delta);
        if (nearestFull != null) {
          keep.add(nearestFull);
        }
        continue;
      }
      keep.add(link[1]);
      Set<Long> visited = new TreeSet<>();
      long current = delta;
      while (links.containsKey(current) && visited.add(current)) {
        long previous = links.get(current)[0];
        if (previous < 0) {
          break;
        }
        keep.add(previous);
        if (previous == link[1]) {
          break;
        }
        current = previous;
      }
    }
    int deleted = 0;
    for (long window : all) {
      if (!keep.contains(window)) {
        store.deletePrefix(CheckpointKeys.windowPrefix(window) + "/");
        deleted++;
      }
    }
    if (deleted > 0) {
      LOG.info("removed {} expired checkpoint(s); keeping {}", deleted, keep.size());
    }
    return deleted;
  }
}
