package dev.quarry.cli;

/**
 * An error caused by input the operator can fix (a flag, a file, a setting). Its message says what
 * is wrong and how to fix it; the launcher prints it without a stack trace.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public UserError(String message) {
    this(message, 2, null);
  }

  public UserError(String message, Throwable cause) {
    this(message, 2, cause);
  }

  public UserError(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
