package dev.quarry.storage.checkpoint;

/**
 * Checkpoint metadata that is well-formed but unusable for mining or validation (a missing
 * {@code env_id}, an unknown thinking mode, generation parameters out of range). As in the
 * reference, the window is skipped: rollouts made with guessed settings would be rejected.
 */
public class InvalidCheckpointMetadataException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidCheckpointMetadataException(String message) {
    super(message);
  }
}
