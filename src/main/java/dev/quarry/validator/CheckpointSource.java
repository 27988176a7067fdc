package dev.quarry.validator;

import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The trainer checkpoint a validator loads for a window: the latest checkpoint READY before it
 * ({@code get_latest_ready_checkpoint(W)}), fetched, verified and with usable metadata.
 */
@FunctionalInterface
public interface CheckpointSource {

  /**
   * The checkpoint for validating window {@code window}; empty when none is READY before it.
   *
   * @throws InvalidCheckpointMetadataException when its metadata cannot drive validation (the window is skipped)
   */
  Optional<LocalCheckpoint> prepare(long window) throws IOException, InvalidCheckpointMetadataException;

  /** Checkpoints from a trainer bucket, cached under {@code cacheDirectory} (see {@link CheckpointConsumer}). */
  static CheckpointSource fromBucket(ObjectStore trainerBucket, Path cacheDirectory) {
    CheckpointConsumer consumer = new CheckpointConsumer(trainerBucket, cacheDirectory);
    return consumer::prepare;
  }
}
