package dev.quarry.mining;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.rollout.WindowContext;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.CheckpointType;
import dev.quarry.storage.checkpoint.CorruptCheckpointException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything every node must agree on to mine window {@code W}: the block hash, the beacon (and
 * whether drand went into it), the trainer's checkpoint with its published metadata (environment,
 * generation parameters, thinking mode), and the upload deadline. The coordinator decides it once
 * per window and every worker node keeps a copy; a coordinator taking over mid-window adopts the
 * copy the nodes hold, so rows mined before and after a migration carry the same values.
 *
 * @param windowStart first block of the window
 * @param windowLength blocks per window
 * @param blockHash {@code 0x…} hash of {@code windowStart}
 * @param beacon the window randomness (plain hex)
 * @param useDrand whether a verified drand beacon is mixed into {@code beacon}
 * @param drandRound the drand round mixed in, or -1
 * @param drandNote why drand was not used, or empty
 * @param checkpointWindow the trainer checkpoint the READY rule picked
 * @param checkpointType FULL or DELTA: which metadata file {@code checkpointMetadata} came from
 * @param checkpointMetadata that {@code metadata.json}, as published
 * @param windowStartMillis {@code timestamp(W)} in Unix milliseconds
 * @param uploadDeadlineMillis the estimated {@code timestamp(W + 30) − 4 s}, Unix milliseconds
 */
public record WindowPlan(
    long windowStart,
    int windowLength,
    String blockHash,
    String beacon,
    boolean useDrand,
    long drandRound,
    String drandNote,
    long checkpointWindow,
    String checkpointType,
    String checkpointMetadata,
    long windowStartMillis,
    long uploadDeadlineMillis) implements MiningMessage {

  public WindowPlan {
    Objects.requireNonNull(blockHash, "blockHash");
    Objects.requireNonNull(beacon, "beacon");
    Objects.requireNonNull(drandNote, "drandNote");
    Objects.requireNonNull(checkpointType, "checkpointType");
    Objects.requireNonNull(checkpointMetadata, "checkpointMetadata");
    BlockHash.parse(blockHash);
    Randomness.parse(beacon);
  }

  /** The metadata as parsed by the storage area (the same checks every consumer applies). */
  public CheckpointMetadata metadata() throws CorruptCheckpointException {
    return CheckpointMetadata.parse(checkpointMetadata.getBytes(StandardCharsets.UTF_8), checkpointWindow,
        CheckpointType.valueOf(checkpointType));
  }

  /** What every rollout of the window shares, for a model of this name. */
  public WindowContext context(String modelName) {
    return new WindowContext(windowStart, windowLength, BlockHash.parse(blockHash), Randomness.parse(beacon), useDrand,
        checkpointWindow, modelName);
  }

  public Instant uploadDeadline() {
    return Instant.ofEpochMilli(uploadDeadlineMillis);
  }

  public Instant windowStartTime() {
    return Instant.ofEpochMilli(windowStartMillis);
  }
}
