package dev.quarry.http;

/** What the miner is doing, as shown by {@code /status} and the {@code quarry_phase} gauge. */
public enum MinerPhase {
  /** Process up, miner not running yet (loading settings, joining the cluster). */
  STARTING,
  /** Waiting for the next window to begin. */
  WAITING_FOR_WINDOW,
  /** Downloading or applying the trainer's checkpoint for the window. */
  LOADING_CHECKPOINT,
  /** Generating rollouts and computing their proofs. */
  GENERATING,
  /** Writing and uploading the window's Parquet file. */
  UPLOADING,
  /** Shutting down. */
  STOPPING
}
