package dev.quarry.model;

import java.io.IOException;

/**
 * A checkpoint that cannot be loaded: a missing or malformed file, an unsupported architecture or
 * setting, a missing or mis-shaped tensor. The message names the file and what to do.
 */
public class ModelLoadException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
