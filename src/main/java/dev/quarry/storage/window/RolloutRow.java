package dev.quarry.storage.window;

import java.util.Objects;

/**
 * One row of a Grail window file: one rollout, with every column of the reference schema
 * ({@code grail/infrastructure/parquet_io.py::INFERENCE_SCHEMA}) in its order. Which columns a
 * validator checks (and which are informational) is described in {@code docs/storage.md}.
 */
public record RolloutRow(
    long windowStart,
    long block,
    long nonce,
    String blockHash,
    String randomness,
    boolean useDrand,
    long rolloutGroup,
    int rolloutIndex,
    int totalInGroup,
    long checkpointWindow,
    RolloutCommit commit,
    double timestamp,
    String challenge,
    String hotkey,
    String signature) {

  public RolloutRow {
    Objects.requireNonNull(blockHash, "blockHash");
    Objects.requireNonNull(randomness, "randomness");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(hotkey, "hotkey");
    Objects.requireNonNull(signature, "signature");
  }
}
