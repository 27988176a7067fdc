package dev.quarry.storage.checkpoint;

import java.io.IOException;

/**
 * The checkpoint has no READY marker yet (its upload may still be running): wait and retry, never
 * fall back to another checkpoint, or miners and validators would disagree on the model.
 */
public class CheckpointNotReadyException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointNotReadyException(String message) {
    super(message);
  }
}
