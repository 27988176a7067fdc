package dev.quarry.storage.window;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Naming and size rules for window files in a miner's bucket. The key is
 * {@code grail/windows/{hotkey}-window-{window_start}.parquet}; readers also accept the same key with
 * {@code .gz} appended (gzip of the Parquet file), which they look for first.
 */
public final class WindowFiles {

  public static final String PREFIX = "grail/windows/";

  /** Validators treat a smaller object as "no file". */
  public static final long MIN_FILE_BYTES = 200;

  /** Validators refuse a larger object ({@code MAX_ROLLOUT_FILE_SIZE_BYTES}, 350 MiB). */
  public static final long MAX_FILE_BYTES = 350L * 1024 * 1024;

  /** Blocks per window ({@code WINDOW_LENGTH}); written to the footer. */
  public static final int WINDOW_LENGTH = 30;

  private static final Pattern KEY = Pattern.compile("grail/windows/(.+)-window-(\\d+)\\.parquet(\\.gz)?");

  private WindowFiles() {}

  /** The object key for a miner's window file. */
  public static String key(String hotkey, long windowStart) {
    if (hotkey.isEmpty() || hotkey.contains("/")) {
      throw new IllegalArgumentException("not a hotkey address: '" + hotkey + "'");
    }
    if (windowStart < 0) {
      throw new IllegalArgumentException("window_start must not be negative: " + windowStart);
    }
    return PREFIX + hotkey + "-window-" + windowStart + ".parquet";
  }

  /** The gzip variant of a key, which readers try first. */
  public static String gzipKey(String hotkey, long windowStart) {
    return key(hotkey, windowStart) + ".gz";
  }

  /** The hotkey and window a key names, if it is a window file key. */
  public static Optional<KeyParts> parse(String key) {
    Matcher matcher = KEY.matcher(key);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(new KeyParts(matcher.group(1), Long.parseLong(matcher.group(2)), matcher.group(3) != null));
  }

  /** Whether a stored object's size passes the validators' gate (200 B to 350 MiB inclusive). */
  public static boolean sizeAccepted(long bytes) {
    return bytes >= MIN_FILE_BYTES && bytes <= MAX_FILE_BYTES;
  }

  /** What a window file key names. */
  public record KeyParts(String hotkey, long windowStart, boolean gzip) {}
}
