package dev.quarry.validator.checks;

/**
 * Every check a Grail validator applies, in the order the reference applies them
 * ({@code MinerValidator.validate_miner} and {@code create_env_validation_pipeline}). The
 * {@link #key()} is the reference's name where it has one ({@code schema_valid}, …), so a report
 * can be compared with a Grail validator's logs.
 */
public enum Check {
  /** The file could not be read: corrupt Parquet, a null {@code rollout_group}, unreadable footer. */
  FILE("file", Kind.FILE),
  /** Cheap checks on every row: footer wallet and window, each row's window and block hash, unique nonces, 16 rows per group. */
  STRUCTURE("structure", Kind.FILE),
  /** The row's {@code checkpoint_window} equals the validator's checkpoint window. */
  CHECKPOINT_WINDOW("checkpoint_window", Kind.ROW),
  /** The row's window, block hash and nonce once more, over the checked rows ({@code _check_inference_consistency}). */
  CONSISTENCY("consistency", Kind.ROW),
  /** The outer sr25519 signature over the row's {@code challenge}. */
  ROLLOUT_SIGNATURE("rollout_signature", Kind.ROW),
  SCHEMA("schema_valid", Kind.HARD),
  TOKENS("tokens_valid", Kind.HARD),
  PROMPT("env_prompt_valid", Kind.HARD),
  PROOF("proof_valid", Kind.HARD),
  TERMINATION("termination_valid", Kind.HARD),
  ENV_EVAL("env_eval_valid", Kind.HARD),
  REWARD("reward_valid", Kind.SOFT),
  LOGPROBS("logprobs_valid", Kind.HARD),
  TOKEN_DISTRIBUTION("token_distribution_valid", Kind.SOFT),
  /** An unexpected error while checking a row; the row counts as checked and not valid, as in the reference. */
  PROCESSING("processing_error", Kind.ROW),
  /** GRPO group checks over the checked rows ({@code _validate_grpo_groups}). */
  GRPO_GROUPS("grpo_groups", Kind.GROUP),
  /** Cross-miner copying ({@code CopycatService}); only the later uploader is gated. */
  COPYCAT("copycat", Kind.WINDOW);

  /** Where a check sits and how a failure counts. */
  public enum Kind {
    /** Whole file: a failure rejects the miner for the window (and bans it). */
    FILE,
    /** Per checked row, before the pipeline: a failure rejects the miner. */
    ROW,
    /** Pipeline check: the first failure rejects the miner. */
    HARD,
    /** Pipeline check counted against a threshold of the checked rows (the soft gate). */
    SOFT,
    /** Over the checked rows of each group. */
    GROUP,
    /** Across miners of a window. */
    WINDOW
  }

  private final String key;
  private final Kind kind;

  Check(String key, Kind kind) {
    this.key = key;
    this.kind = kind;
  }

  /** The stable name used in reports and JSON. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  public boolean soft() {
    return kind == Kind.SOFT;
  }

  /** The check named {@code key}, as {@link #key()} prints it. */
  public static Check fromKey(String key) {
    for (Check check : values()) {
      if (check.key.equals(key)) {
        return check;
      }
    }
    throw new IllegalArgumentException("no check named '" + key + "'");
  }

  @Override
  public String toString() {
    return key;
  }
}
