package dev.quarry.storage.objectstore;

import java.io.IOException;

/**
 * A failed object store call, classified so callers can react: a missing object is not an outage,
 * and bad credentials will not fix themselves by retrying. Messages name the bucket and key and
 * never contain secrets.
 */
public class ObjectStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the call failed. */
  public enum Reason {
    /** The key does not exist. */
    NOT_FOUND,
    /** The bucket does not exist at this endpoint. */
    NO_SUCH_BUCKET,
    /** The store refused the credentials (unknown key id, bad signature, no permission). */
    ACCESS_DENIED,
    /** Network failure, timeout, throttling or a 5xx after all attempts; retrying later may work. */
    UNAVAILABLE,
    /** Anything else the store rejected. */
    REJECTED
  }

  private final Reason reason;

  public ObjectStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
