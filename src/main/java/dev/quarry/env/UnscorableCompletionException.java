package dev.quarry.env;

import java.util.Objects;

/**
 * The environment cannot give this completion a reward that a validator would reproduce. A miner
 * must not upload such a rollout (nor, for {@link Reason#INFRASTRUCTURE}, the rest of its group,
 * as the reference miner drops groups whose kernel evaluation failed).
 */
public final class UnscorableCompletionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why no reward exists. */
  public enum Reason {
    /**
     * The reference's own {@code env.step} raises here (for example a test raises a
     * {@code BaseException} that is not an {@code Exception}, or text that sympy evaluates exits),
     * so a validator's environment check fails or crashes for this rollout.
     */
    REFERENCE_WOULD_RAISE,
    /** Our evaluator failed (worker crash, GPU evaluation infrastructure error); retrying may help. */
    INFRASTRUCTURE
  }

  private final Reason reason;

  public UnscorableCompletionException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public UnscorableCompletionException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
