package dev.quarry.validator;

import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileException;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.storage.window.WindowFiles;
import dev.quarry.validator.checks.Check;
import dev.quarry.validator.checks.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Finding and downloading a miner's window file as the reference does
 * ({@code file_exists_with_deadline}, {@code get_parquet_file}): HEAD the {@code .gz} key, then the
 * plain one; the first that exists decides. Under 200 bytes or over 350 MiB counts as no file; a
 * LastModified after the deadline is late (not active). The file is then downloaded from the same
 * key and read.
 */
final class MinerFiles {

  /** What HEAD found. */
  enum Presence {
    ACTIVE,
    LATE,
    BAD_SIZE,
    MISSING
  }

  record Probe(Presence presence, UploadInfo upload, String note) {}

  /** A downloaded file, or the result for a miner whose file could not be used. */
  record Loaded(WindowFile file, WindowValidation unusable) {}

  private MinerFiles() {}

  /**
   * @param deadline the upload deadline, or null for none
   */
  static Probe probe(ObjectStore store, String hotkey, long window, Instant deadline) {
    String plain = WindowFiles.key(hotkey, window);
    String lastProblem = null;
    for (String key : List.of(plain + ".gz", plain)) {
      Optional<ObjectInfo> info;
      try {
        info = store.head(key);
      } catch (ObjectStoreException unreachable) {
        lastProblem = unreachable.getMessage();
        continue;
      }
      if (info.isEmpty()) {
        continue;
      }
      UploadInfo upload = new UploadInfo(key, info.get().size(), info.get().lastModified());
      if (upload.size() < WindowFiles.MIN_FILE_BYTES) {
        return new Probe(Presence.BAD_SIZE, upload, key + " is " + upload.size() + " bytes, under "
            + WindowFiles.MIN_FILE_BYTES + " (no rollouts): it counts as no file");
      }
      if (upload.size() > WindowFiles.MAX_FILE_BYTES) {
        return new Probe(Presence.BAD_SIZE, upload, key + " is " + upload.size() + " bytes, over 350 MiB: it is not downloaded");
      }
      if (deadline != null && upload.lastModified() != null && upload.lastModified().isAfter(deadline)) {
        long lateBy = java.time.Duration.between(deadline, upload.lastModified()).toMillis();
        return new Probe(Presence.LATE, upload, "uploaded at " + upload.lastModified() + ", " + String.format(
            java.util.Locale.ROOT, "%.1f", lateBy / 1000.0) + " s after the deadline " + deadline
            + " (timestamp of block " + (window + WindowFiles.WINDOW_LENGTH) + " minus 4 s)");
      }
      String timing = deadline == null || upload.lastModified() == null ? null : "uploaded at " + upload.lastModified() + ", "
          + String.format(java.util.Locale.ROOT, "%.1f", java.time.Duration.between(upload.lastModified(), deadline).toMillis() / 1000.0)
          + " s before the deadline";
      return new Probe(Presence.ACTIVE, upload, timing);
    }
    return new Probe(Presence.MISSING, null, lastProblem == null ? "no " + plain + "(.gz) in bucket " + store.bucket()
        : "the bucket could not be read: " + lastProblem);
  }

  static Loaded load(ObjectStore store, String hotkey, Integer uid, long window, UploadInfo upload) {
    byte[] stored;
    try {
      stored = store.get(upload.key(), WindowFiles.MAX_FILE_BYTES);
    } catch (ObjectStoreException failed) {
      return new Loaded(null, WindowValidation.unchecked(hotkey, uid, window, MinerStatus.NOT_FOUND,
          "could not download " + upload.key() + ": " + failed.getMessage(), upload));
    }
    return read(hotkey, uid, window, upload, stored);
  }

  /** Reads stored bytes (gunzipping a {@code .gz} key); unusable files become a not-found or failed result. */
  static Loaded read(String hotkey, Integer uid, long window, UploadInfo upload, byte[] stored) {
    byte[] parquet = stored;
    if (upload != null && upload.key().endsWith(".gz")) {
      try {
        parquet = gunzip(stored);
      } catch (IOException broken) {
        return new Loaded(null, WindowValidation.unchecked(hotkey, uid, window, MinerStatus.NOT_FOUND,
            upload.key() + " cannot be unpacked (" + broken.getMessage() + "); the reference's downloader gives up on it",
            upload));
      }
    }
    try {
      return new Loaded(WindowFileReader.read(parquet), null);
    } catch (WindowFileException corrupt) {
      Rejection rejection = Rejection.ofFile(Check.FILE, corrupt.getMessage());
      return new Loaded(null, new WindowValidation(hotkey, uid, window, MinerStatus.FAILED, rejection, null, upload, false,
          List.of(), List.of(), Estimates.NONE, Map.of(), List.of()));
    }
  }

  private static byte[] gunzip(byte[] stored) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > WindowFiles.MAX_FILE_BYTES) {
          throw new IOException("it unpacks to more than 350 MiB");
        }
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    }
  }
}
