package dev.quarry.env.python;

import java.util.Objects;

/**
 * A Python worker could not be started or stopped answering (crashed, hung, wrote garbage). Says
 * nothing certain about the code it was running; the pool has already replaced the worker.
 */
public final class PythonWorkerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The interpreter could not be started or did not report in time. */
    START,
    /** The worker process died while serving a request. */
    DIED,
    /** The worker did not answer within the allowed time. */
    TIMEOUT,
    /** Anything else: unreadable replies, a closed pool, interruption. */
    OTHER
  }

  private final Kind kind;

  public PythonWorkerException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public PythonWorkerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
