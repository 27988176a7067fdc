package dev.quarry.storage.window;

import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads a miner's window files so that nothing is lost and nothing is sent twice:
 *
 * <ol>
 *   <li>the Parquet bytes are first written to a local spool ({@code <spool>/grail/windows/...});
 *   <li>a window already uploaded (a local {@code .uploaded} record, or the key already in the
 *       bucket) is never uploaded again: a second upload would move its LastModified, which
 *       validators compare with the window's deadline;
 *   <li>the upload itself retries with backoff ({@link ObjectStore}); if it still fails, the
 *       spooled file stays for {@link #retry} (the caller decides whether the deadline still allows it).
 * </ol>
 */
public final class WindowUploader {

  private static final Logger LOG = LoggerFactory.getLogger(WindowUploader.class);
  private static final String UPLOADED_SUFFIX = ".uploaded";

  private final ObjectStore bucket;
  private final Path spool;

  /** What became of a window file. */
  public enum Outcome {
    /** Uploaded now. */
    UPLOADED,
    /** It was uploaded earlier (by us, possibly in an earlier run); nothing was sent. */
    ALREADY_UPLOADED
  }

  /** The key, the outcome and what the bucket holds (its LastModified is the upload time validators see). */
  public record Result(String key, Outcome outcome, ObjectInfo stored) {}

  public WindowUploader(ObjectStore minerBucket, Path spoolDirectory) {
    this.bucket = minerBucket;
    this.spool = spoolDirectory.toAbsolutePath();
  }

  /** Writes, spools and uploads a window file. */
  public Result upload(WindowFile file) throws IOException {
    byte[] bytes = WindowFileWriter.write(file);
    if (!WindowFiles.sizeAccepted(bytes.length)) {
      throw new WindowFileException("window " + file.windowStart() + " file is " + bytes.length
          + " bytes; validators only accept 200 bytes to 350 MiB, so it is not uploaded");
    }
    String key = WindowFiles.key(file.wallet(), file.windowStart());
    Path spooled = spoolPath(key);
    Files.createDirectories(spooled.getParent());
    Path temporary = Files.createTempFile(spooled.getParent(), ".window", ".partial");
    try {
      Files.write(temporary, bytes);
      Files.move(temporary, spooled, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return send(key, spooled, bytes);
  }

  /** Window files written but not (yet) uploaded, oldest first. */
  public List<Path> pending() throws IOException {
    Path directory = spool.resolve(WindowFiles.PREFIX);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(path -> path.getFileName().toString().endsWith(".parquet"))
          .filter(path -> !Files.exists(uploadedRecord(path)))
          .sorted()
          .toList();
    }
  }

  /** Uploads a spooled file again (after an outage), with the same never-twice rule. */
  public Result retry(Path spooledFile) throws IOException {
    String key = spool.relativize(spooledFile.toAbsolutePath()).toString().replace('\\', '/');
    if (WindowFiles.parse(key).isEmpty()) {
      throw new IllegalArgumentException(spooledFile + " is not a spooled window file");
    }
    return send(key, spooledFile, Files.readAllBytes(spooledFile));
  }

  private Result send(String key, Path spooled, byte[] bytes) throws IOException {
    Path record = uploadedRecord(spooled);
    if (Files.exists(record)) {
      LOG.info("{} was already uploaded; not uploading it again", key);
      Files.deleteIfExists(spooled);
      return new Result(key, Outcome.ALREADY_UPLOADED, bucket.head(key).orElse(null));
    }
    Optional<ObjectInfo> existing = bucket.head(key);
    if (existing.isPresent()) {
      String ours = sha256(bytes);
      String theirs = existing.get().metadata().get(ObjectStore.SHA256_METADATA);
      markUploaded(record, existing.get());
      Files.deleteIfExists(spooled);
      if (!ours.equals(theirs)) {
        LOG.warn("{} is already in the bucket (uploaded {}) with other content; the window is not uploaded twice",
            key, existing.get().lastModified());
      }
      return new Result(key, Outcome.ALREADY_UPLOADED, existing.get());
    }
    ObjectInfo stored;
    try {
      stored = bucket.put(key, bytes);
    } catch (ObjectStoreException exception) {
      LOG.error("upload of {} failed; the file stays at {} for a retry: {}", key, spooled, exception.getMessage());
      throw exception;
    }
    markUploaded(record, stored);
    Files.deleteIfExists(spooled);
    LOG.info("uploaded {} ({} bytes, stored at {})", key, stored.size(), stored.lastModified());
    return new Result(key, Outcome.UPLOADED, stored);
  }

  private static void markUploaded(Path record, ObjectInfo stored) throws IOException {
    Files.createDirectories(record.getParent());
    Files.writeString(record, stored.lastModified() + " " + stored.size() + "\n", StandardCharsets.UTF_8);
  }

  /** Forgets upload records of windows before {@code window} (they can no longer be uploaded anyway). */
  public int forgetBefore(long window) throws IOException {
    Path directory = spool.resolve(WindowFiles.PREFIX);
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    List<Path> old = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.filter(path -> path.getFileName().toString().endsWith(UPLOADED_SUFFIX)).forEach(path -> {
        String name = path.getFileName().toString();
        WindowFiles.parse(WindowFiles.PREFIX + name.substring(0, name.length() - UPLOADED_SUFFIX.length()))
            .filter(parts -> parts.windowStart() < window)
            .ifPresent(parts -> old.add(path));
      });
    }
    for (Path path : old) {
      Files.deleteIfExists(path);
    }
    return old.size();
  }

  private Path spoolPath(String key) {
    return spool.resolve(key);
  }

  private static Path uploadedRecord(Path spooled) {
    return spooled.resolveSibling(spooled.getFileName() + UPLOADED_SUFFIX);
  }

  private static String sha256(byte[] bytes) {
    return Hex.encode(Hashes.sha256(bytes));
  }
}
