package dev.quarry.storage.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that must not be used: a file whose sha256 differs from the manifest, weights whose
 * hash differs from {@code weights_hash}, a truncated or malformed delta, a broken delta chain. The
 * message says which checkpoint and what is wrong; the consumer removes any local copy.
 */
public class CorruptCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(String message) {
    super(message);
  }

  public CorruptCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
