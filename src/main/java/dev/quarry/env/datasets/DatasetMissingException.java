package dev.quarry.env.datasets;

/** A dataset split is not on this machine; the message names where it was looked for and the download command. */
public final class DatasetMissingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DatasetMissingException(String message) {
    super(message);
  }
}
