package dev.quarry.storage.checkpoint;

import java.util.Optional;

/**
 * Object keys of the trainer's checkpoints ({@code grail/shared/checkpoint_paths.py}):
 * <pre>
 * grail/checkpoints/checkpoint-{W}/FULL/...          weights, config, tokenizer, metadata.json, manifest.sig, FULL
 * grail/checkpoints/checkpoint-{W}/DELTA/...         delta_sparse.bin.zst, delta_metadata.json, metadata.json, manifest.sig, DELTA
 * grail/checkpoints/checkpoint-{W}/READY-{R}          empty; R is the window in which the upload finished
 * </pre>
 */
public final class CheckpointKeys {

  public static final String PREFIX = "grail/checkpoints/";
  public static final String METADATA_FILE = "metadata.json";
  public static final String DELTA_METADATA_FILE = "delta_metadata.json";
  public static final String DELTA_FILE = "delta_sparse.bin.zst";
  public static final String SIGNATURE_FILE = "manifest.sig";

  private CheckpointKeys() {}

  /** {@code grail/checkpoints/checkpoint-{W}} (no trailing slash). */
  public static String windowPrefix(long window) {
    return PREFIX + "checkpoint-" + window;
  }

  /** {@code grail/checkpoints/checkpoint-{W}/FULL} or {@code .../DELTA}. */
  public static String typePrefix(long window, CheckpointType type) {
    return windowPrefix(window) + "/" + type.name();
  }

  public static String metadataKey(long window, CheckpointType type) {
    return typePrefix(window, type) + "/" + METADATA_FILE;
  }

  public static String readyMarkerKey(long window, long readyWindow) {
    return windowPrefix(window) + "/READY-" + readyWindow;
  }

  /**
   * Parses a READY marker key as the reference does: segment 2 is {@code checkpoint-{C}}, segment 3 is
   * {@code READY-{R}}; anything else (including unparsable numbers) is not a marker.
   */
  public static Optional<ReadyMarker> parseReadyMarker(String key) {
    if (!key.contains("/READY-")) {
      return Optional.empty();
    }
    String[] parts = key.split("/", -1);
    if (parts.length < 4 || !parts[2].startsWith("checkpoint-") || !parts[3].startsWith("READY-")) {
      return Optional.empty();
    }
    try {
      long checkpoint = Long.parseLong(parts[2].split("-")[1]);
      long ready = Long.parseLong(parts[3].split("-")[1]);
      return Optional.of(new ReadyMarker(checkpoint, ready));
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException exception) {
      return Optional.empty();
    }
  }

  /** A READY marker: checkpoint {@code window} became available during window {@code readyWindow}. */
  public record ReadyMarker(long window, long readyWindow) {}
}
