package dev.quarry.config;

import java.net.URI;
import java.time.Duration;

/**
 * The miner's own bucket, as Grail configures it ({@code R2_*}, {@code UPLOAD_TIMEOUT}). Plain
 * values: the storage area builds its S3 client from this record.
 *
 * @param accountId Cloudflare account id; also the bucket name readers derive from the chain
 * @param bucketName equal to {@code accountId} (checked when loading)
 * @param endpoint {@code R2_ENDPOINT_URL}, or {@code https://<accountId>.r2.cloudflarestorage.com}
 * @param region S3 signing region
 * @param forcePathStyle path-style addressing (MinIO, S3Proxy)
 * @param write the private upload key
 * @param read the read-only key that is published on chain
 * @param uploadTimeout time allowed for one upload attempt
 */
public record BucketSettings(
    String accountId,
    String bucketName,
    URI endpoint,
    String region,
    boolean forcePathStyle,
    AccessKey write,
    AccessKey read,
    Duration uploadTimeout) {

  /** The commitment layout gives the account id and the read key id 32 characters each, the read secret 64. */
  public static final int MAX_ACCOUNT_ID_LENGTH = 32;

  public static final int MAX_READ_KEY_ID_LENGTH = 32;
  public static final int MAX_READ_SECRET_LENGTH = 64;

  /** Cloudflare's endpoint for an account. */
  public static URI cloudflareEndpoint(String accountId) {
    return URI.create("https://" + accountId + ".r2.cloudflarestorage.com");
  }

  static void checkAccountId(String value, boolean isBucket) {
    if (looksLikePlaceholder(value)) {
      throw new IllegalArgumentException("is still the placeholder from an example file; use your Cloudflare account id");
    }
    if (!value.matches("[a-z0-9][a-z0-9-]*[a-z0-9]") || value.length() < 3 || value.length() > MAX_ACCOUNT_ID_LENGTH) {
      throw new IllegalArgumentException(
          (isBucket ? "is not a usable bucket name" : "is not an account id")
              + ": 3 to 32 lowercase letters, digits or '-' (a Cloudflare account id is 32 hex characters)");
    }
  }

  static void checkKeyId(String value) {
    if (looksLikePlaceholder(value)) {
      throw new IllegalArgumentException("is still the placeholder from an example file; paste the key id of your API token");
    }
    if (!value.matches("[A-Za-z0-9+/=_-]{1,128}")) {
      throw new IllegalArgumentException("is not an access key id (letters and digits, no spaces)");
    }
  }

  static void checkSecret(String value, int maxLength) {
    if (looksLikePlaceholder(value)) {
      throw new IllegalArgumentException("is still the placeholder from an example file; paste the secret of your API token");
    }
    if (value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("contains whitespace; paste the secret exactly as shown by Cloudflare");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException("is " + value.length() + " characters long; at most " + maxLength + " fit in the on-chain commitment");
    }
  }

  /** Grail's {@code .env.example} uses runs of X as placeholders ({@code AKIAXXXX…}, {@code xxxx…}). */
  static boolean looksLikePlaceholder(String value) {
    return value.matches("(?i)(AKIA)?x{8,}");
  }
}
