package dev.quarry.chain.scale;

/** Bytes that are not valid SCALE for the type being read (truncated, bad tag, trailing bytes). */
public final class ScaleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScaleException(String message) {
    super(message);
  }
}
