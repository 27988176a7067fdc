package dev.quarry.chain.drand;

/** A beacon that must not be used: malformed, for the wrong round, or with a signature that does not verify. */
public final class InvalidBeaconException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidBeaconException(String message) {
    super(message);
  }

  public InvalidBeaconException(String message, Throwable cause) {
    super(message, cause);
  }
}
