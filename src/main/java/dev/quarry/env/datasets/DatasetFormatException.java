package dev.quarry.env.datasets;

/** A dataset file cannot be read or does not have the columns the reference reads; the message names the file and row. */
public final class DatasetFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DatasetFormatException(String message) {
    super(message);
  }

  public DatasetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
