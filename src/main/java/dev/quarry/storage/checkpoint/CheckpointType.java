package dev.quarry.storage.checkpoint;

/** How a checkpoint is published: full weights, or a sparse delta from the previous checkpoint. */
public enum CheckpointType {
  FULL,
  DELTA
}
