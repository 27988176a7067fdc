package dev.quarry.storage.checkpoint;

import java.nio.file.Path;

/**
 * A verified checkpoint on local disk, ready for the model loader: {@code directory} holds
 * {@code model.safetensors} (or the published shards), {@code config.json}, the tokenizer files and
 * chat template, and a {@code metadata.json} whose manifest covers them. {@code metadata} is the
 * published metadata the checkpoint was obtained through.
 */
public record LocalCheckpoint(long window, Path directory, CheckpointMetadata metadata, Source source) {

  /** How the local copy came to be. */
  public enum Source {
    /** Already in the cache and verified. */
    CACHE,
    /** Downloaded as a FULL checkpoint, every file checked against the manifest. */
    FULL_DOWNLOAD,
    /** Rebuilt from a base checkpoint and a chain of deltas, checked against the weights hash. */
    DELTA_REBUILD
  }
}
