package dev.quarry.env.runtime;

/**
 * An environment cannot be served on this machine (dataset missing, Python or GPU evaluation not
 * set up, parameters the reference rejects). The message says what to do; the cause has details.
 * A miner without the live environment stays idle.
 */
public final class EnvironmentUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EnvironmentUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public EnvironmentUnavailableException(String message) {
    super(message);
  }
}
