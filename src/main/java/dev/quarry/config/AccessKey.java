package dev.quarry.config;

import java.util.Objects;

/**
 * An S3 access key pair: the write or read key from {@code R2_*}, the key of the embedded S3
 * server, or read credentials taken from another miner's on-chain commitment. The secret half is
 * a {@link Secret} (printed as {@value Secret#REDACTED}); {@link #toString()} also masks all but
 * the last four characters of the key id, so a key pair can sit in settings that are logged.
 */
public record AccessKey(String accessKeyId, Secret secretAccessKey) {

  public AccessKey {
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new IllegalArgumentException("access key id is empty");
    }
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    if (secretAccessKey.reveal().isBlank()) {
      throw new IllegalArgumentException("secret access key is empty");
    }
    accessKeyId = accessKeyId.strip();
  }

  /** A key pair from plain text, surrounding whitespace removed from both halves. */
  public static AccessKey of(String accessKeyId, String secretAccessKey) {
    if (secretAccessKey == null) {
      throw new IllegalArgumentException("secret access key is empty");
    }
    return new AccessKey(accessKeyId, Secret.of(secretAccessKey.strip()));
  }

  /** The key id with all but its last four characters (a quarter, for short ids) masked. */
  public String maskedKeyId() {
    int visible = Math.min(4, accessKeyId.length() / 4);
    return "*".repeat(Math.max(3, accessKeyId.length() - visible)) + accessKeyId.substring(accessKeyId.length() - visible);
  }

  @Override
  public String toString() {
    return "AccessKey[accessKeyId=" + maskedKeyId() + ", secretAccessKey=" + Secret.REDACTED + "]";
  }
}
