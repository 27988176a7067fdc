package dev.quarry.grail.protocol;

/**
 * Window arithmetic. A window is {@code windowLength} blocks starting at a multiple of it; the
 * miner works in window W, uploads before block W + length, and validators check W while the chain
 * is in window W + length.
 */
public final class WindowMath {

  private final int windowLength;

  public WindowMath(ProtocolParameters parameters) {
    this.windowLength = parameters.windows().windowLength();
  }

  /** Window math of the live protocol (30-block windows). */
  public static WindowMath v5() {
    return new WindowMath(ProtocolParameters.v5());
  }

  public int windowLength() {
    return windowLength;
  }

  /** {@code (block // length) * length} ({@code calculate_window_start}). */
  public long windowStart(long block) {
    if (block < 0) {
      throw new IllegalArgumentException("block numbers are non-negative, got " + block);
    }
    return (block / windowLength) * windowLength;
  }

  /** The first block after window {@code windowStart}: the upload deadline block, whose hash seeds the validator's challenges. */
  public long deadlineBlock(long windowStart) {
    return requireWindowStart(windowStart) + windowLength;
  }

  /** The window validators check while the chain is at {@code currentBlock}: the previous one. */
  public long validatorTargetWindow(long currentBlock) {
    return windowStart(currentBlock) - windowLength;
  }

  /** Blocks left in the window containing {@code currentBlock}, counting the current one. */
  public long blocksRemaining(long currentBlock) {
    return windowStart(currentBlock) + windowLength - currentBlock;
  }

  private long requireWindowStart(long windowStart) {
    if (windowStart < 0 || windowStart % windowLength != 0) {
      throw new IllegalArgumentException(
          "a window start is a non-negative multiple of " + windowLength + ", got " + windowStart);
    }
    return windowStart;
  }
}
