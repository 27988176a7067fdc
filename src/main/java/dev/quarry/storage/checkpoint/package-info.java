/**
 * Trainer checkpoints: selecting the one miners and validators must use (the READY-marker rule),
 * reading and validating {@code metadata.json}, downloading FULL checkpoints with sha256 checks,
 * rebuilding DELTA chains (sparse codec v2, v3, v3.1) verified by the XXH3-128 weights hash, the
 * local cache with retention ({@link dev.quarry.storage.checkpoint.CheckpointConsumer}), and
 * publishing FULL and DELTA checkpoints for the embedded default's trainer
 * ({@link dev.quarry.storage.checkpoint.CheckpointPublisher}).
 */
package dev.quarry.storage.checkpoint;
