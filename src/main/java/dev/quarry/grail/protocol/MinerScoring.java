package dev.quarry.grail.protocol;

/**
 * How a validator extrapolates a spot check to the whole file ({@code MinerScorer.score_miner_window}):
 * {@code int(count / (checked / total))}, e.g. estimated unique rollouts from the distinct
 * {@link CompletionDigest}s among the valid checked rows.
 */
public final class MinerScoring {

  private MinerScoring() {}

  /** The estimate for {@code count} observations among {@code checked} of {@code total} rows. */
  public static long estimate(long count, long checked, long total) {
    double sampleRate = total > 0 ? (double) checked / total : 0.0;
    if (sampleRate > 0) {
      return (long) (count / sampleRate);
    }
    return count;
  }
}
