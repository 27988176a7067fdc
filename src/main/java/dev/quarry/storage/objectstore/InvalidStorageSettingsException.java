package dev.quarry.storage.objectstore;

/**
 * Storage settings an operator must fix (a missing variable, a bucket not named after the account,
 * a key too long for the on-chain commitment). The message names the variable and the fix; it never
 * contains a secret.
 */
public class InvalidStorageSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidStorageSettingsException(String message) {
    super(message);
  }
}
