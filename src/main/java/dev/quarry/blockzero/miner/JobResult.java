package dev.quarry.blockzero.miner;

import java.util.Optional;

/**
 * How a model-io job ended. {@code committed} carries what a commit job put on chain (the
 * daemon keeps it for the next commit and the submission).
 */
public record JobResult(Outcome outcome, String detail, Optional<Committed> committed) {

  /** The job's fate. */
  public enum Outcome {
    /** It did what it was for. */
    DONE,
    /** Nothing to do this cycle (no checkpoint yet, nothing newer to download, not assigned). */
    NOTHING_TO_DO,
    /** The phase ended before it could act. */
    LATE,
    /** It failed; the detail says why. */
    FAILED
  }

  public static JobResult done(String detail) {
    return new JobResult(Outcome.DONE, detail, Optional.empty());
  }

  public static JobResult done(String detail, Committed committed) {
    return new JobResult(Outcome.DONE, detail, Optional.of(committed));
  }

  public static JobResult nothingToDo(String reason) {
    return new JobResult(Outcome.NOTHING_TO_DO, reason, Optional.empty());
  }

  public static JobResult late(String detail) {
    return new JobResult(Outcome.LATE, detail, Optional.empty());
  }

  public static JobResult failed(String detail) {
    return new JobResult(Outcome.FAILED, detail, Optional.empty());
  }
}
