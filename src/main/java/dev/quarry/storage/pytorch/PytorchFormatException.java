package dev.quarry.storage.pytorch;

import java.io.IOException;

/** A file that is not a PyTorch checkpoint this reader accepts; the message names the file and the fault. */
public final class PytorchFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public PytorchFormatException(String message) {
    super(message);
  }

  public PytorchFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
