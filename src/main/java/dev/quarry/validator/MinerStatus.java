package dev.quarry.validator;

/** What became of one miner in a validated window. */
public enum MinerStatus {
  /** Checked and passed every check; its estimates count towards weights. */
  VALID,
  /** Checked and rejected: the first failing check is named; the miner is banned for the failure lookback. */
  FAILED,
  /**
   * No usable file: none in the bucket, smaller than 200 bytes, larger than 350 MiB, no read
   * credentials on chain, or unreadable as the reference's reader gives up on it. Not a failure.
   */
  NOT_FOUND,
  /** The file's LastModified is after the deadline ({@code timestamp(W + 30) − 4 s}); it does not count. */
  LATE,
  /** Active, but excluded from selection because of a failure within the failure lookback. */
  BANNED,
  /** Active and eligible, but not among the miners sampled this window. */
  NOT_SELECTED;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
