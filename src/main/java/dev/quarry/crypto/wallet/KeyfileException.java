package dev.quarry.crypto.wallet;

/**
 * A key file that cannot be used: missing, unreadable, malformed, encrypted without a password,
 * or a wrong password. The message names the file and what to do, never its contents.
 */
public final class KeyfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyfileException(String message) {
    super(message);
  }

  public KeyfileException(String message, Throwable cause) {
    super(message, cause);
  }
}
