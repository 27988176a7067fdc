package dev.quarry.blockzero.miner;

import java.io.IOException;

/** A phase-service or validator request that failed; {@link #status()} is the HTTP status, or -1 without an answer. */
public final class BlockZeroHttpException extends IOException {

  private static final long serialVersionUID = 1L;
  private final int status;

  public BlockZeroHttpException(int status, String message) {
    super(message);
    this.status = status;
  }

  public BlockZeroHttpException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  public int status() {
    return status;
  }

  /** Statuses the reference's client does not retry: the request itself is wrong. */
  public boolean retryable() {
    return status < 0 || !(status == 400 || status == 401 || status == 403 || status == 404 || status == 405
        || status == 409 || status == 422);
  }
}
