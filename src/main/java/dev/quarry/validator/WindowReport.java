package dev.quarry.validator;

import dev.quarry.validator.checks.CopycatTracker;
import java.time.Instant;
import java.util.List;

/**
 * Everything one validated window produced: the window's inputs (block hash, the validator's
 * challenge randomness and where it came from, the upload deadline, the checkpoint and
 * environment), how discovery went, one {@link WindowValidation} per miner of interest, the copycat
 * violations, and the weights. When the window could not be validated at all, {@code skipped} says
 * why and the rest is empty.
 *
 * @param mode {@code real}, {@code local} or {@code file}
 * @param challengeSource how the challenge randomness was made (e.g. {@code sha256(hash(7230))})
 * @param deadline {@code timestamp(W + 30) − 4 s}, or null when not applicable (a local file)
 * @param weights the weights after this window, or null when not computed
 */
public record WindowReport(
    long window,
    String mode,
    String windowBlockHash,
    String challengeRandomness,
    String challengeSource,
    Instant deadline,
    Long checkpointWindow,
    String environmentId,
    String skipped,
    Discovery discovery,
    List<WindowValidation> miners,
    List<CopycatTracker.Violation> copycat,
    WeightsReport weights) {

  /**
   * How the window's miners were found.
   *
   * @param neurons metagraph size
   * @param withCredentials neurons with a valid read-credential commitment
   * @param active miners whose file exists, has an accepted size and was uploaded in time
   * @param late miners whose file arrived after the deadline
   * @param banned active miners excluded for a failure within the lookback
   * @param selected miners checked this window
   */
  public record Discovery(int neurons, int withCredentials, int active, int late, int banned, int selected) {}

  public WindowReport {
    miners = List.copyOf(miners);
    copycat = List.copyOf(copycat);
  }

  public static WindowReport skipped(long window, String mode, String reason) {
    return new WindowReport(window, mode, null, null, null, null, null, null, reason, null, List.of(), List.of(), null);
  }

  /** The result for one hotkey, if it is in the report. */
  public java.util.Optional<WindowValidation> miner(String hotkey) {
    return miners.stream().filter(miner -> miner.hotkey().equals(hotkey)).findFirst();
  }
}
