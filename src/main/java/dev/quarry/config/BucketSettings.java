package dev.quarry.config;

import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The miner's own bucket, as Grail configures it ({@code R2_*}, {@code UPLOAD_TIMEOUT}). Plain
 * values: the storage area builds its S3 client from this record
 * ({@code ObjectStoreSettings.from(BucketSettings)}).
 *
 * <p>Normally {@code read} is a separate read-only key. With {@code
 * QUARRY_ALLOW_SINGLE_CREDENTIAL=true} and no {@code R2_READ_*} keys it is the write key, as in
 * Grail's single-credential fallback: {@link #readUsesWriteKey()} is then true, and the write key
 * is what gets published on chain.
 *
 * @param accountId Cloudflare account id; also the bucket name readers derive from the chain
 * @param bucketName equal to {@code accountId} (checked when loading)
 * @param endpoint {@code R2_ENDPOINT_URL}, or {@code https://<accountId>.r2.cloudflarestorage.com}
 * @param region S3 signing region
 * @param forcePathStyle path-style addressing (MinIO, S3Proxy)
 * @param write the private upload key
 * @param read the read-only key that is published on chain (the write key in single-credential mode)
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

  /** {@code R2_REGION} when unset. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** {@code UPLOAD_TIMEOUT} when unset, as in Grail. */
  public static final Duration DEFAULT_UPLOAD_TIMEOUT = Duration.ofSeconds(90);

  /** Cloudflare's endpoint for an account. */
  public static URI cloudflareEndpoint(String accountId) {
    return URI.create("https://" + accountId.strip().toLowerCase(Locale.ROOT) + ".r2.cloudflarestorage.com");
  }

  /** Whether {@code R2_ENDPOINT_URL} points elsewhere than Cloudflare's endpoint for the account. */
  public boolean endpointOverridden() {
    return !endpoint.equals(cloudflareEndpoint(accountId));
  }

  /** Single-credential mode: the write key doubles as the published read key. */
  public boolean readUsesWriteKey() {
    return read.equals(write);
  }

  static void checkAccountId(String value, boolean isBucket) {
    if (looksLikePlaceholder(value)) {
      throw new IllegalArgumentException("is still the placeholder from an example file; use your Cloudflare account id");
    }
    int maxLength = ReadCredentialCommitment.Field.ACCOUNT_ID.width();
    if (!value.matches("[a-z0-9][a-z0-9-]*[a-z0-9]") || value.length() < 3 || value.length() > maxLength) {
      throw new IllegalArgumentException(
          (isBucket ? "is not a usable bucket name" : "is not an account id")
              + ": 3 to " + maxLength + " lowercase letters, digits or '-' (a Cloudflare account id is 32 hex characters)");
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

  static void checkSecret(String value) {
    if (looksLikePlaceholder(value)) {
      throw new IllegalArgumentException("is still the placeholder from an example file; paste the secret of your API token");
    }
    if (value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("contains whitespace; paste the secret exactly as shown by Cloudflare");
    }
  }

  /** The rules of the on-chain commitment ({@link ReadCredentialCommitment}) for a key that is published. */
  static void checkPublishable(ReadCredentialCommitment.Field field, String value) {
    field.problemWith(value).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
  }

  static void checkPublishedKeyId(String value) {
    checkKeyId(value);
    checkPublishable(ReadCredentialCommitment.Field.ACCESS_KEY_ID, value);
  }

  static void checkPublishedSecret(String value) {
    checkSecret(value);
    checkPublishable(ReadCredentialCommitment.Field.SECRET_ACCESS_KEY, value);
  }

  /** Grail's {@code .env.example} uses runs of X as placeholders ({@code AKIAXXXX…}, {@code xxxx…}). */
  static boolean looksLikePlaceholder(String value) {
    return value.matches("(?i)(AKIA)?x{8,}");
  }
}
