package dev.quarry.chain.metadata;

/** Metadata that cannot be parsed, or a runtime that no longer matches what Quarry encodes. */
public class MetadataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MetadataException(String message) {
    super(message);
  }

  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
