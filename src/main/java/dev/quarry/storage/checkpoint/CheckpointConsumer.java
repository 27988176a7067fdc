package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the trainer's checkpoints onto local disk, verified, for miners and validators (the
 * reference's {@code CheckpointManager}):
 *
 * <ol>
 *   <li><b>Selection</b> ({@link #latestReadyCheckpoint}): list {@code grail/checkpoints/}, keep the
 *       {@code checkpoint-C/READY-R} markers with {@code R < W}, take the largest {@code (R, C)}. Miners
 *       ask with their current window, validators with the window they validate: both get the same C,
 *       which rollouts carry as {@code checkpoint_window}.
 *   <li><b>Metadata</b> ({@link #metadata}): {@code DELTA/metadata.json} if present, else the FULL one;
 *       {@link CheckpointMetadata#requireUsableForMining()} checks env id, thinking mode and
 *       generation parameters.
 *   <li><b>Local copy</b> ({@link #ensureLocal}): a verified cache entry; else, when a FULL exists, every
 *       manifest file downloaded and its sha256 checked; else the delta chain walked back (via
 *       {@code prev_window}) to a cached checkpoint or a FULL anchor, each delta's files checked, the
 *       deltas applied in order, and the result's XXH3-128 compared with {@code weights_hash}. Tokenizer
 *       and config files come from the base. The directory appears atomically.
 *   <li><b>Retention</b> ({@link #retain}): cache entries outside the reference's retention windows, beyond
 *       the newest {@code maxCached}, and abandoned partial downloads are removed.
 * </ol>
 *
 * Anything corrupt (a sha256 or weights hash mismatch, a truncated or malformed delta, a broken
 * chain, unsafe manifest paths) is refused with {@link CorruptCheckpointException} and leaves nothing
 * in the cache. Outages surface as {@link ObjectStoreException} after the store's retries.
 */
public final class CheckpointConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointConsumer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_METADATA_BYTES = 16L * 1024 * 1024;
  private static final int MAX_CHAIN_LENGTH = 1000;
  private static final Set<String> NOT_COPIED_FROM_BASE = Set.of(CheckpointWeights.SINGLE_FILE,
      CheckpointWeights.INDEX_FILE, CheckpointWeights.INDEX_FILE + ".gz", CheckpointKeys.METADATA_FILE, "FULL", "DELTA",
      CheckpointKeys.SIGNATURE_FILE);

  private final ObjectStore store;
  private final Path cacheRoot;
  private final CheckpointRetention retention;
  private final int maxCached;
  private final Map<String, CheckpointMetadata> metadataCache = new HashMap<>();
  private final Set<Long> verifiedThisRun = new HashSet<>();

  /** A consumer with the reference's retention and at most 3 cached checkpoints. */
  public CheckpointConsumer(ObjectStore trainerBucket, Path cacheRoot) {
    this(trainerBucket, cacheRoot, CheckpointRetention.defaults(), 3);
  }

  /**
   * @param trainerBucket the trainer's bucket, opened with its read credentials
   * @param cacheRoot where verified checkpoints live ({@code checkpoint-{W}/} each)
   * @param maxCached how many checkpoints {@link #retain} keeps at most (the reference keeps every
   *     window of the current anchor period, which for an 8B model is hundreds of gigabytes)
   */
  public CheckpointConsumer(ObjectStore trainerBucket, Path cacheRoot, CheckpointRetention retention, int maxCached) {
    this.store = trainerBucket;
    this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
    this.retention = retention;
    this.maxCached = Math.max(1, maxCached);
  }

  public Path cacheRoot() {
    return cacheRoot;
  }

  // ------------------------------------------------------------------ selection and metadata

  /** The checkpoint miners and validators use for {@code window}: largest (R, C) with READY-R, R < window. */
  public synchronized OptionalLong latestReadyCheckpoint(long window) throws ObjectStoreException {
    CheckpointKeys.ReadyMarker best = null;
    for (ObjectInfo object : store.list(CheckpointKeys.PREFIX)) {
      Optional<CheckpointKeys.ReadyMarker> marker = CheckpointKeys.parseReadyMarker(object.key());
      if (marker.isEmpty() || marker.get().readyWindow() >= window) {
        continue;
      }
      CheckpointKeys.ReadyMarker candidate = marker.get();
      if (best == null || candidate.readyWindow() > best.readyWindow()
          || (candidate.readyWindow() == best.readyWindow() && candidate.window() > best.window())) {
        best = candidate;
      }
    }
    if (best == null) {
      LOG.warn("no READY checkpoint before window {} in bucket {}", window, store.bucket());
      return OptionalLong.empty();
    }
    LOG.debug("checkpoint for window {}: checkpoint-{} (ready at {})", window, best.window(), best.readyWindow());
    return OptionalLong.of(best.window());
  }

  /** Published metadata for a checkpoint: the DELTA's if there is one, else the FULL's. */
  public synchronized Optional<CheckpointMetadata> metadata(long window) throws IOException {
    Optional<CheckpointMetadata> delta = metadata(window, CheckpointType.DELTA);
    return delta.isPresent() ? delta : metadata(window, CheckpointType.FULL);
  }

  private Optional<CheckpointMetadata> metadata(long window, CheckpointType type) throws IOException {
    String key = CheckpointKeys.metadataKey(window, type);
    CheckpointMetadata cached = metadataCache.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<byte[]> bytes = getOptional(key, MAX_METADATA_BYTES);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    CheckpointMetadata metadata = CheckpointMetadata.parse(bytes.get(), window, type);
    // like the reference, remember only usable metadata, so a corrected republish is seen
    if (metadata.problemsForMining().isEmpty()) {
      metadataCache.put(key, metadata);
    }
    return Optional.of(metadata);
  }

  /**
   * Everything a miner needs at the start of {@code window}: the checkpoint selected by the READY
   * rule, its usable metadata and a verified local copy. Empty when no checkpoint is ready yet.
   */
  public synchronized Optional<LocalCheckpoint> prepare(long window) throws IOException, InvalidCheckpointMetadataException {
    OptionalLong checkpoint = latestReadyCheckpoint(window);
    if (checkpoint.isEmpty()) {
      return Optional.empty();
    }
    CheckpointMetadata metadata = metadata(checkpoint.getAsLong()).orElseThrow(() -> new CorruptCheckpointException(
        "checkpoint-" + checkpoint.getAsLong() + " is marked READY but has no metadata.json"));
    metadata.requireUsableForMining();
    LocalCheckpoint local = ensureLocal(checkpoint.getAsLong());
    return Optional.of(new LocalCheckpoint(local.window(), local.directory(), metadata, local.source()));
  }

  // ------------------------------------------------------------------ local copies

  /** A verified local copy of checkpoint {@code window}, downloading or rebuilding it if needed. */
  public synchronized LocalCheckpoint ensureLocal(long window) throws IOException {
    return ensureLocal(window, 0);
  }

  private LocalCheckpoint ensureLocal(long window, int depth) throws IOException {
    if (depth > MAX_CHAIN_LENGTH) {
      throw new CorruptCheckpointException("checkpoint chain deeper than " + MAX_CHAIN_LENGTH + " at window " + window);
    }
    Path target = directoryOf(window);
    Optional<CheckpointMetadata> cached = verifiedCacheEntry(window);
    if (cached.isPresent()) {
      return new LocalCheckpoint(window, target, cached.get(), LocalCheckpoint.Source.CACHE);
    }
    requireReady(window);
    Optional<CheckpointMetadata> full = metadata(window, CheckpointType.FULL);
    Path partial = partialDirectory("checkpoint-" + window);
    try {
      LocalCheckpoint result;
      if (full.isPresent() && !full.get().isDelta()) {
        downloadFull(full.get(), partial);
        result = new LocalCheckpoint(window, target, full.get(), LocalCheckpoint.Source.FULL_DOWNLOAD);
      } else {
        CheckpointMetadata delta = metadata(window, CheckpointType.DELTA).orElseThrow(() -> new CorruptCheckpointException(
            "checkpoint-" + window + " is READY but has neither FULL nor DELTA metadata"));
        if (!delta.isDelta()) {
          throw new CorruptCheckpointException("checkpoint-" + window + "/DELTA/metadata.json says checkpoint_type FULL");
        }
        rebuildFromDeltas(delta, partial, depth);
        result = new LocalCheckpoint(window, target, delta, LocalCheckpoint.Source.DELTA_REBUILD);
      }
      install(partial, target, window);
      verifiedThisRun.add(window);
      return result;
    } finally {
      deleteTree(partial);
    }
  }

  private void requireReady(long window) throws ObjectStoreException, CheckpointNotReadyException {
    for (ObjectInfo object : store.list(CheckpointKeys.windowPrefix(window) + "/")) {
      Optional<CheckpointKeys.ReadyMarker> marker = CheckpointKeys.parseReadyMarker(object.key());
      if (marker.isPresent() && marker.get().window() == window) {
        return;
      }
    }
    throw new CheckpointNotReadyException("checkpoint-" + window + " has no READY marker yet; retry later");
  }

  private void downloadFull(CheckpointMetadata metadata, Path partial) throws IOException {
    long window = metadata.window();
    if (metadata.fileManifest().isEmpty()) {
      throw new CorruptCheckpointException("FULL checkpoint-" + window
          + " has an empty file_manifest; its files cannot be verified, so it is not used");
    }
    LOG.info("downloading FULL checkpoint-{} ({} files)", window, metadata.fileManifest().size());
    String prefix = CheckpointKeys.typePrefix(window, CheckpointType.FULL) + "/";
    for (Map.Entry<String, String> entry : new TreeMap<>(metadata.fileManifest()).entrySet()) {
      downloadVerified(prefix, entry.getKey(), entry.getValue(), partial, "checkpoint-" + window + "/FULL");
    }
    if (metadata.weightsHash().isPresent()) {
      String actual;
      try (CheckpointWeights weights = CheckpointWeights.open(partial)) {
        actual = weights.weightsHash();
      }
      if (!actual.equals(metadata.weightsHash().get())) {
        throw new CorruptCheckpointException("FULL checkpoint-" + window + " weights hash " + actual
            + " does not match the published weights_hash " + metadata.weightsHash().get());
      }
    }
    writeLocalMetadata(partial, metadata.json());
  }

  private void downloadVerified(String prefix, String relative, String sha256, Path into, String what) throws IOException {
    Path file = CheckpointFiles.resolveInside(into, relative);
    ObjectStore.Download download;
    try {
      download = store.download(prefix + relative, file);
    } catch (ObjectStoreException exception) {
      if (exception.reason() == ObjectStoreException.Reason.NOT_FOUND) {
        throw new CorruptCheckpointException(what + ": " + relative + " is in the manifest but missing from the bucket");
      }
      throw exception;
    }
    if (!download.sha256().equals(sha256)) {
      throw new CorruptCheckpointException(what + ": " + relative + " has sha256 " + download.sha256()
          + " but the manifest says " + sha256);
    }
  }

  private void rebuildFromDeltas(CheckpointMetadata target, Path partial, int depth) throws IOException {
    List<CheckpointMetadata> chain = new ArrayList<>();
    CheckpointMetadata current = target;
    Path base;
    while (true) {
      chain.add(current);
      if (chain.size() > MAX_CHAIN_LENGTH) {
        throw new CorruptCheckpointException("delta chain from checkpoint-" + target.window() + " is longer than "
            + MAX_CHAIN_LENGTH);
      }
      long previous = current.prevWindow().orElseThrow(() -> new CorruptCheckpointException("broken delta chain: "
          + "DELTA checkpoint-" + chain.get(chain.size() - 1).window() + " has no prev_window"));
      if (previous >= current.window()) {
        throw new CorruptCheckpointException("broken delta chain: checkpoint-" + current.window()
            + " points back to window " + previous);
      }
      if (verifiedCacheEntry(previous).isPresent()) {
        base = directoryOf(previous);
        break;
      }
      Optional<CheckpointMetadata> link = Optional.empty();
      if (retention.isAnchor(previous)) {
        link = metadata(previous, CheckpointType.FULL);
      }
      if (link.isEmpty()) {
        link = metadata(previous);
      }
      if (link.isEmpty()) {
        throw new CorruptCheckpointException("broken delta chain: checkpoint-" + current.window()
            + " needs checkpoint-" + previous + ", which has no metadata in the bucket");
      }
      if (!link.get().isDelta()) {
        base = ensureLocal(previous, depth + 1).directory();
        break;
      }
      current = link.get();
    }
    Collections.reverse(chain);
    LOG.info("rebuilding checkpoint-{} from {} with {} delta(s)", target.window(), base.getFileName(), chain.size());
    Path deltaFiles = partialDirectory("delta-" + target.window());
    try {
      List<DeltaApplier.DeltaLoader> loaders = new ArrayList<>();
      for (CheckpointMetadata delta : chain) {
        Path directory = deltaFiles.resolve(Long.toString(delta.window()));
        DeltaFormat format = downloadDelta(delta, directory);
        loaders.add(() -> SparseDeltaCodec.decode(format, Files.readAllBytes(directory.resolve(CheckpointKeys.DELTA_FILE))));
      }
      Files.createDirectories(partial);
      String hash = DeltaApplier.rebuildFrom(base, loaders, partial.resolve(CheckpointWeights.SINGLE_FILE));
      if (target.weightsHash().isPresent() && !hash.equals(target.weightsHash().get())) {
        throw new CorruptCheckpointException("checkpoint-" + target.window() + " rebuilt from " + chain.size()
            + " delta(s) has weights hash " + hash + " but the published weights_hash is " + target.weightsHash().get());
      }
      if (target.weightsHash().isEmpty()) {
        LOG.warn("checkpoint-{} publishes no weights_hash; the rebuilt weights cannot be verified", target.window());
      }
    } finally {
      deleteTree(deltaFiles);
    }
    copyNonWeightFiles(base, partial);
    ObjectNode local = target.json();
    local.put("checkpoint_type", CheckpointType.FULL.name());
    local.put("reconstructed_from_delta", true);
    target.anchorWindow().ifPresent(anchor -> local.put("original_anchor_window", anchor));
    writeLocalMetadata(partial, local);
  }

  /** Downloads one delta's manifest files (sha256-checked) and returns its codec. */
  private DeltaFormat downloadDelta(CheckpointMetadata delta, Path directory) throws IOException {
    String what = "checkpoint-" + delta.window() + "/DELTA";
    if (!delta.fileManifest().containsKey(CheckpointKeys.DELTA_FILE)
        || !delta.fileManifest().containsKey(CheckpointKeys.DELTA_METADATA_FILE)) {
      throw new CorruptCheckpointException(what + ": the manifest does not list " + CheckpointKeys.DELTA_FILE + " and "
          + CheckpointKeys.DELTA_METADATA_FILE);
    }
    String prefix = CheckpointKeys.typePrefix(delta.window(), CheckpointType.DELTA) + "/";
    for (Map.Entry<String, String> entry : new TreeMap<>(delta.fileManifest()).entrySet()) {
      downloadVerified(prefix, entry.getKey(), entry.getValue(), directory, what);
    }
    JsonNode info;
    try {
      info = JSON.readTree(directory.resolve(CheckpointKeys.DELTA_METADATA_FILE).toFile());
    } catch (IOException exception) {
      throw new CorruptCheckpointException(what + "/" + CheckpointKeys.DELTA_METADATA_FILE + " is not valid JSON");
    }
    JsonNode previous = info.get("prev_window");
    if (previous != null && previous.isIntegralNumber() && previous.asLong() != delta.prevWindow().orElse(Long.MIN_VALUE)) {
      throw new CorruptCheckpointException("broken delta chain: " + what + " metadata says prev_window "
          + delta.prevWindow() + " but delta_metadata.json says " + previous.asLong());
    }
    try {
      return DeltaFormat.fromFormatName(info.path("format").asText(""));
    } catch (IllegalArgumentException exception) {
      throw new CorruptCheckpointException(what + ": " + exception.getMessage());
    }
  }

  private static void copyNonWeightFiles(Path base, Path into) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(base)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file) || NOT_COPIED_FROM_BASE.contains(name) || name.startsWith("READY")
            || (name.startsWith("model-") && name.endsWith(".safetensors"))) {
          continue;
        }
        Files.copy(file, into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Writes {@code metadata.json} with a fresh manifest of every file now in the directory. */
  private static void writeLocalMetadata(Path directory, ObjectNode published) throws IOException {
    ObjectNode local = published.deepCopy();
    ObjectNode manifest = local.putObject("file_manifest");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String relative = directory.relativize(file).toString().replace('\\', '/');
      if (!relative.equals(CheckpointKeys.METADATA_FILE)) {
        manifest.put(relative, CheckpointFiles.sha256(file));
      }
    }
    Files.writeString(directory.resolve(CheckpointKeys.METADATA_FILE), CheckpointFiles.metadataText(local));
  }

  /** The cache entry's metadata if it exists and every manifest file checks out; a bad entry is removed. */
  private Optional<CheckpointMetadata> verifiedCacheEntry(long window) throws IOException {
    Path directory = directoryOf(window);
    Path metadataFile = directory.resolve(CheckpointKeys.METADATA_FILE);
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    try {
      CheckpointMetadata metadata = CheckpointMetadata.parse(Files.readAllBytes(metadataFile), window, CheckpointType.FULL);
      if (verifiedThisRun.contains(window)) {
        return Optional.of(metadata);
      }
      if (metadata.fileManifest().isEmpty()) {
        throw new CorruptCheckpointException("no file manifest");
      }
      for (Map.Entry<String, String> entry : metadata.fileManifest().entrySet()) {
        Path file = CheckpointFiles.resolveInside(directory, entry.getKey());
        if (!Files.isRegularFile(file) || !CheckpointFiles.sha256(file).equals(entry.getValue())) {
          throw new CorruptCheckpointException(entry.getKey() + " is missing or changed");
        }
      }
      CheckpointWeights.weightFiles(directory);
      verifiedThisRun.add(window);
      return Optional.of(metadata);
    } catch (IOException exception) {
      LOG.warn("cached checkpoint-{} failed verification ({}); removing it", window, exception.getMessage());
      verifiedThisRun.remove(window);
      deleteTree(directory);
      return Optional.empty();
    }
  }

  private void install(Path partial, Path target, long window) throws IOException {
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException exception) {
      // another process sharing the cache finished first; keep theirs if it verifies
      if (verifiedCacheEntry(window).isEmpty()) {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    LOG.info("checkpoint-{} ready at {}", window, target);
  }

  // ------------------------------------------------------------------ retention

  /**
   * Removes cache entries outside the retention windows for {@code currentWindow} or beyond the
   * newest {@code maxCached}, and partial directories whose owning process is gone.
   */
  public synchronized void retain(long currentWindow) throws IOException {
    if (!Files.isDirectory(cacheRoot)) {
      return;
    }
    Set<Long> keep = retention.windowsToKeep(currentWindow);
    TreeMap<Long, Path> entries = new TreeMap<>(Comparator.reverseOrder());
    try (DirectoryStream<Path> children = Files.newDirectoryStream(cacheRoot)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.endsWith(".partial")) {
          removeIfAbandoned(child);
          continue;
        }
        if (name.startsWith("checkpoint-")) {
          try {
            entries.put(Long.parseLong(name.substring("checkpoint-".length())), child);
          } catch (NumberFormatException ignored) {
            // not ours
          }
        }
      }
    }
    int kept = 0;
    for (Map.Entry<Long, Path> entry : entries.entrySet()) {
      if (keep.contains(entry.getKey()) && kept < maxCached) {
        kept++;
        continue;
      }
      LOG.debug("removing cached checkpoint-{}", entry.getKey());
      verifiedThisRun.remove(entry.getKey());
      deleteTree(entry.getValue());
    }
  }

  private static void removeIfAbandoned(Path partial) throws IOException {
    // checkpoint-{W}.{pid}.{random}.partial: abandoned once that process is gone
    String[] parts = partial.getFileName().toString().split("\\.");
    boolean abandoned;
    try {
      long pid = Long.parseLong(parts[parts.length - 3]);
      abandoned = ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    } catch (RuntimeException exception) {
      abandoned = Files.getLastModifiedTime(partial).toMillis() < System.currentTimeMillis() - 3_600_000;
    }
    if (abandoned) {
      LOG.info("removing abandoned partial download {}", partial.getFileName());
      deleteTree(partial);
    }
  }

  // ------------------------------------------------------------------ helpers

  private Path directoryOf(long window) {
    return cacheRoot.resolve("checkpoint-" + window);
  }

  private Path partialDirectory(String stem) throws IOException {
    Files.createDirectories(cacheRoot);
    return cacheRoot.resolve(stem + "." + ProcessHandle.current().pid() + "."
        + UUID.randomUUID().toString().substring(0, 8) + ".partial");
  }

  /** An object's bytes, trying {@code key} then {@code key.gz}; empty when neither exists. */
  private Optional<byte[]> getOptional(String key, long maxBytes) throws ObjectStoreException {
    try {
      return Optional.of(store.get(key, maxBytes));
    } catch (ObjectStoreException exception) {
      if (exception.reason() != ObjectStoreException.Reason.NOT_FOUND) {
        throw exception;
      }
    }
    try {
      byte[] packed = store.get(key + ".gz", maxBytes);
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
        return Optional.of(in.readNBytes((int) maxBytes));
      } catch (IOException exception) {
        throw new ObjectStoreException(ObjectStoreException.Reason.REJECTED, key + ".gz is not valid gzip", exception);
      }
    } catch (ObjectStoreException exception) {
      if (exception.reason() == ObjectStoreException.Reason.NOT_FOUND) {
        return Optional.empty();
      }
      throw exception;
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path path : paths) {
        Files.deleteIfExists(path);
      }
    }
  }
}
