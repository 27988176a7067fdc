package dev.quarry.mining;

import java.time.Duration;
import java.time.Instant;

/**
 * When a window must stop generating and when its upload must start, from moving averages of the
 * block time, the time one group takes and the time one upload takes — the reference miner's rule
 * ({@code grail/cli/mine.py::MiningTimers}) plus the validator's deadline.
 *
 * <p>The reference rule, applied before every problem: with {@code bt}, {@code gen} and
 * {@code upload} exponential moving averages (α = 0.2; before any sample, gen = 6·bt and upload =
 * 1·bt),
 *
 * <pre>{@code blocks_needed = min(29, max(1, ceil((gen + upload + safety·bt) / bt)))}</pre>
 *
 * and a new group may start only while {@code W + 30 - current_block > blocks_needed}.
 *
 * <p>The validator accepts a file only if its {@code LastModified ≤ timestamp(W + 30) − 4 s}. With
 * Grail's 12-second blocks and 3 safety blocks the block rule leaves far more than 4 s, but with
 * fast local blocks (0.5 s) 4 s is 8 blocks, so the time rule is checked too: a group may start only
 * while {@code now + gen + upload + safety·bt ≤ deadline}, and the upload starts no later than
 * {@code deadline − upload − safety·bt / 2} whatever is still in flight. {@code timestamp(W + 30)}
 * is estimated as {@code timestamp(W) + 30·bt}.
 *
 * <p>Thread-safe: the coordinator and its window supervisors share one.
 */
public final class WindowTiming {

  /** The reference's smoothing factor. */
  public static final double ALPHA = 0.2;
  /** The validator's slack: the file must be stored this long before block W+30's timestamp. */
  public static final Duration DEADLINE_SLACK = Duration.ofSeconds(4);

  private final int windowLength;
  private final int safetyBlocks;
  private final double nominalBlockSeconds;
  private double blockSeconds;
  private Double generationSeconds;
  private Double uploadSeconds;
  private boolean adopted;
  private long lastBlock = -1;
  private Instant lastBlockSeen;

  /**
   * @param windowLength blocks per window (30)
   * @param safetyBlocks {@code GRAIL_MINER_SAFETY_BLOCKS}
   * @param initialBlockTime the block time before any block is observed (the chain's measured or nominal one)
   */
  public WindowTiming(int windowLength, int safetyBlocks, Duration initialBlockTime) {
    if (windowLength < 2) {
      throw new IllegalArgumentException("window length must be at least 2, got " + windowLength);
    }
    if (safetyBlocks < 0) {
      throw new IllegalArgumentException("safety blocks must be >= 0, got " + safetyBlocks);
    }
    this.windowLength = windowLength;
    this.safetyBlocks = safetyBlocks;
    this.nominalBlockSeconds = seconds(initialBlockTime);
    if (!(nominalBlockSeconds > 0)) {
      throw new IllegalArgumentException("block time must be positive, got " + initialBlockTime);
    }
    this.blockSeconds = nominalBlockSeconds;
  }

  /** Records a chain head seen at {@code at} (the reference's {@code update_block_time_ema}). */
  public synchronized void blockSeen(long block, Instant at) {
    if (lastBlock >= 0 && lastBlockSeen != null && block > lastBlock) {
      double elapsed = seconds(Duration.between(lastBlockSeen, at));
      if (elapsed > 0) {
        double sample = elapsed / (block - lastBlock);
        blockSeconds = ALPHA * sample + (1 - ALPHA) * blockSeconds;
      }
    }
    if (block >= lastBlock) {
      lastBlock = block;
      lastBlockSeen = at;
    }
  }

  /** Records how long one group took from being handed out to being finished (capped at a window's nominal length). */
  public synchronized void generationTook(Duration duration) {
    adopted = false;
    double sample = Math.min(seconds(duration), windowLength * nominalBlockSeconds);
    generationSeconds = generationSeconds == null ? sample : ALPHA * sample + (1 - ALPHA) * generationSeconds;
  }

  /**
   * Takes over a node's estimate when this one has none yet (a coordinator that replaced another):
   * the slowest node's figure wins, since every grant must finish in time wherever it runs.
   */
  public synchronized void adoptGenerationEstimate(Duration reported) {
    double sample = Math.min(seconds(reported), windowLength * nominalBlockSeconds);
    if (!adopted && generationSeconds != null) {
      return;
    }
    adopted = true;
    generationSeconds = generationSeconds == null ? sample : Math.max(generationSeconds, sample);
  }

  /** Records how long one upload took. */
  public synchronized void uploadTook(Duration duration) {
    double sample = seconds(duration);
    uploadSeconds = uploadSeconds == null ? sample : ALPHA * sample + (1 - ALPHA) * uploadSeconds;
  }

  public synchronized Duration blockTime() {
    return duration(blockSeconds);
  }

  /** The generation estimate: the moving average, or 6 block times before any sample. */
  public synchronized Duration generationEstimate() {
    return duration(generationSeconds != null ? generationSeconds : 6.0 * blockSeconds);
  }

  /** The upload estimate: the moving average, or one block time before any sample. */
  public synchronized Duration uploadEstimate() {
    return duration(uploadSeconds != null ? uploadSeconds : blockSeconds);
  }

  /** {@code min(windowLength − 1, max(1, ceil((gen + upload + safety·bt) / bt)))}. */
  public synchronized int blocksNeeded() {
    double total = seconds(generationEstimate()) + seconds(uploadEstimate()) + safetyBlocks * blockSeconds;
    int needed = (int) Math.max(1, Math.ceil(total / Math.max(0.001, blockSeconds)));
    return Math.min(needed, windowLength - 1);
  }

  /** Blocks left before the window ends ({@code W + length − current}). */
  public synchronized long blocksRemaining(long windowStart, long currentBlock) {
    return windowStart + windowLength - currentBlock;
  }

  /** The validator's deadline for window {@code W}, estimated from {@code timestamp(W)}: {@code timestamp(W) + length·bt − 4 s}. */
  public synchronized Instant uploadDeadline(Instant windowStartTimestamp) {
    return windowStartTimestamp.plus(duration(windowLength * blockSeconds)).minus(DEADLINE_SLACK);
  }

  /**
   * Whether one more group may start: the reference's block rule and the deadline's time rule.
   *
   * @param deadline {@link #uploadDeadline} of the window
   */
  public synchronized boolean mayStartGroup(long windowStart, long currentBlock, Instant now, Instant deadline) {
    if (blocksRemaining(windowStart, currentBlock) <= blocksNeeded()) {
      return false;
    }
    Instant finishBy = now.plus(generationEstimate()).plus(uploadEstimate()).plus(duration(safetyBlocks * blockSeconds));
    return !finishBy.isAfter(deadline);
  }

  /** The latest moment the upload may start, whatever is still being generated. */
  public synchronized Instant uploadStartLatest(Instant deadline) {
    return deadline.minus(uploadEstimate()).minus(duration(safetyBlocks * blockSeconds / 2));
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static Duration duration(double seconds) {
    return Duration.ofNanos((long) (seconds * 1e9));
  }
}
