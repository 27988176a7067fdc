package dev.quarry.validator;

/**
 * A miner's counts for one window and their extrapolation to the whole file, as the reference
 * computes them ({@code MinerValidator._create_success_result}): {@code estimated_x = int(total ·
 * (x / checked))}. Only {@code estimatedUnique} enters the weights. All zero except {@code checked}
 * and {@code total} when the miner failed.
 *
 * @param total rows in the file
 * @param checked rows checked
 * @param valid checked rows that passed
 * @param successful valid rows whose rollout solved the problem
 * @param unique distinct completions among the valid rows
 */
public record Estimates(long total, long checked, long valid, long successful, long unique, long estimatedValid,
    long estimatedSuccessful, long estimatedUnique) {

  public static final Estimates NONE = new Estimates(0, 0, 0, 0, 0, 0, 0, 0);

  public static Estimates of(long total, long checked, long valid, long successful, long unique) {
    return new Estimates(total, checked, valid, successful, unique, extrapolate(total, valid, checked),
        extrapolate(total, successful, checked), extrapolate(total, unique, checked));
  }

  /** A failed miner's counts: what was checked, nothing credited. */
  public static Estimates failed(long total, long checked) {
    return new Estimates(total, checked, 0, 0, 0, 0, 0, 0);
  }

  /** {@code int(total * (count / checked))}, 0 when nothing was checked. */
  public static long extrapolate(long total, long count, long checked) {
    if (checked <= 0) {
      return 0;
    }
    return (long) (total * ((double) count / checked));
  }

  /** The same counts with the credited ones zeroed (copycat gating). */
  public Estimates zeroed() {
    return new Estimates(total, checked, 0, 0, 0, 0, 0, 0);
  }
}
