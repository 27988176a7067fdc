package dev.quarry.validator.checks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The soft-check gate ({@code MinerValidator._process_validation_results}): a soft check trips the
 * miner once its failures reach {@code max(1, ceil(threshold · max(1, planned)))}, where
 * {@code planned} is the number of rows selected for checking. With 16 rows: reward (0.20) trips at
 * 4 failures, token distribution (0.51) at 9.
 */
public final class SoftGate {

  private final Map<Check, Integer> cutoffs = new LinkedHashMap<>();
  private final Map<Check, Integer> failures = new LinkedHashMap<>();

  /**
   * @param thresholds fraction of planned rows per soft check
   * @param plannedChecks rows selected for checking
   */
  public SoftGate(Map<Check, Double> thresholds, int plannedChecks) {
    for (Map.Entry<Check, Double> entry : thresholds.entrySet()) {
      if (!entry.getKey().soft()) {
        throw new IllegalArgumentException(entry.getKey() + " is not a soft check");
      }
      cutoffs.put(entry.getKey(), cutoff(entry.getValue(), plannedChecks));
      failures.put(entry.getKey(), 0);
    }
  }

  /** {@code max(1, ceil(threshold · max(1, planned)))}. */
  public static int cutoff(double threshold, int plannedChecks) {
    return Math.max(1, (int) Math.ceil(threshold * Math.max(1, plannedChecks)));
  }

  /** Counts one failure of {@code check}; true when that trips the gate. */
  public boolean recordFailure(Check check) {
    Integer cutoff = cutoffs.get(check);
    if (cutoff == null) {
      throw new IllegalArgumentException(check + " has no soft threshold");
    }
    int count = failures.merge(check, 1, Integer::sum);
    return count >= cutoff;
  }

  public int failures(Check check) {
    return failures.getOrDefault(check, 0);
  }

  public int cutoff(Check check) {
    return cutoffs.getOrDefault(check, 0);
  }

  /** Failures so far per soft check. */
  public Map<Check, Integer> failureCounts() {
    return Map.copyOf(failures);
  }
}
