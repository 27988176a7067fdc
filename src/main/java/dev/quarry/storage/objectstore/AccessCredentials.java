package dev.quarry.storage.objectstore;

/**
 * An S3 access key pair. {@link #toString()} never shows the secret and shows only the last four
 * characters of the key id, so settings can be logged and put in error messages safely.
 */
public record AccessCredentials(String accessKeyId, String secretAccessKey) {

  public AccessCredentials {
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new InvalidStorageSettingsException("access key id is empty");
    }
    if (secretAccessKey == null || secretAccessKey.isBlank()) {
      throw new InvalidStorageSettingsException("secret access key is empty");
    }
    accessKeyId = accessKeyId.strip();
    secretAccessKey = secretAccessKey.strip();
  }

  /** The key id with all but its last four characters masked. */
  public String maskedKeyId() {
    int visible = Math.min(4, accessKeyId.length() / 4);
    return "*".repeat(Math.max(3, accessKeyId.length() - visible)) + accessKeyId.substring(accessKeyId.length() - visible);
  }

  @Override
  public String toString() {
    return "AccessCredentials[accessKeyId=" + maskedKeyId() + ", secretAccessKey=<redacted>]";
  }
}
