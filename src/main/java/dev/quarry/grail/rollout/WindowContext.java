package dev.quarry.grail.rollout;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.Sketch;
import java.util.Objects;

/**
 * What every rollout of one miner's window shares: the window and its block hash, the beacon the
 * sketches and signatures are bound to (and whether drand went into it), the checkpoint the model
 * came from, and the model name written into (and signed with) every commit.
 *
 * @param windowStart first block of the window
 * @param windowLength blocks per window (30)
 * @param blockHash hash of {@code windowStart}, {@code 0x…}
 * @param beacon the window randomness (plain hex; drand-mixed or the bare block hash)
 * @param useDrand whether a verified drand beacon was mixed in
 * @param checkpointWindow the trainer checkpoint's window ({@code checkpoint_window})
 * @param modelName the model name committed in each row (informational for validators, but signed)
 */
public record WindowContext(
    long windowStart,
    int windowLength,
    BlockHash blockHash,
    Randomness beacon,
    boolean useDrand,
    long checkpointWindow,
    String modelName) {

  public WindowContext {
    Objects.requireNonNull(blockHash, "blockHash");
    Objects.requireNonNull(beacon, "beacon");
    Objects.requireNonNull(modelName, "modelName");
    if (windowStart < 0 || windowLength <= 0 || windowStart % windowLength != 0) {
      throw new IllegalArgumentException(
          "window start " + windowStart + " is not a multiple of the window length " + windowLength);
    }
  }

  /** The sketch coefficients the beacon selects; computed once per window. */
  public int[] sketchCoefficients(Sketch sketch) {
    return sketch.coefficients(beacon);
  }
}
