package dev.quarry.storage.window;

import java.io.IOException;

/**
 * A window file that cannot be accepted: corrupt Parquet, a schema that is not Grail's, a null
 * where a value is required ("row 17: rollout_group is null"), bad footer metadata, or a size
 * outside the 200 B to 350 MiB gate. Validators treat such a file as malformed.
 */
public class WindowFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public WindowFileException(String message) {
    super(message);
  }

  public WindowFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
