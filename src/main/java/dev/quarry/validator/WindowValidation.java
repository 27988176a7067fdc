package dev.quarry.validator;

import dev.quarry.validator.checks.CopycatTracker;
import dev.quarry.validator.checks.Rejection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One miner's result for one window: its status, the first failing check (check, row, reason with
 * the numbers), the per-row details of what was checked, the counts and estimates, and any copycat
 * findings. Rendered by {@link ReportText} and {@link ReportJson}.
 *
 * @param hotkey the miner's hotkey
 * @param uid its UID in the metagraph, or null when unknown (a file checked on its own)
 * @param window the validated window
 * @param status valid, failed, not found, late, banned or not selected
 * @param failure the first failing check when {@code status} is failed, else null
 * @param note why a file was not found or not checked, the deadline comparison, … (may be null)
 * @param upload the object found in the bucket (null when none, or for a local file)
 * @param checkedAll whether every row was checked (at most 20 rows) or whole groups were sampled
 * @param sampledGroups the spot-checked {@code rollout_group}s in draw order (empty when all rows were checked)
 * @param rows the checked rows, in checking order, up to the first failure
 * @param estimates counts and estimates (zeroed for failures and copycats)
 * @param softFailures failures per soft check name over the checked rows
 * @param copycat copycat violations this miner is part of (as copier, victim or unresolved)
 */
public record WindowValidation(
    String hotkey,
    Integer uid,
    long window,
    MinerStatus status,
    Rejection failure,
    String note,
    UploadInfo upload,
    boolean checkedAll,
    List<Long> sampledGroups,
    List<RowReport> rows,
    Estimates estimates,
    Map<String, Integer> softFailures,
    List<CopycatTracker.Violation> copycat) {

  public WindowValidation {
    Objects.requireNonNull(hotkey, "hotkey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(estimates, "estimates");
    sampledGroups = List.copyOf(sampledGroups);
    rows = List.copyOf(rows);
    softFailures = Collections.unmodifiableMap(new LinkedHashMap<>(softFailures));
    copycat = List.copyOf(copycat);
  }

  /** A miner that was not checked (not found, late, banned, not selected). */
  public static WindowValidation unchecked(String hotkey, Integer uid, long window, MinerStatus status, String note,
      UploadInfo upload) {
    return new WindowValidation(hotkey, uid, window, status, null, note, upload, false, List.of(), List.of(),
        Estimates.NONE, Map.of(), List.of());
  }

  /** Whether the window counts as a failure for bans and weights ({@code had_failure}). */
  public boolean hadFailure() {
    return status == MinerStatus.FAILED;
  }

  /** Whether the miner was checked this window (its metrics enter the rolling history). */
  public boolean checked() {
    return status == MinerStatus.VALID || status == MinerStatus.FAILED;
  }

  /** This result with copycat findings attached and, when gated, rejected with the copycat reason. */
  public WindowValidation withCopycat(List<CopycatTracker.Violation> violations, Rejection gating) {
    if (gating == null) {
      return new WindowValidation(hotkey, uid, window, status, failure, note, upload, checkedAll, sampledGroups, rows,
          estimates, softFailures, violations);
    }
    return new WindowValidation(hotkey, uid, window, MinerStatus.FAILED, gating, note, upload, checkedAll, sampledGroups,
        rows, estimates.zeroed(), softFailures, violations);
  }
}
