package dev.quarry.storage.objectstore;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A miner's R2 settings: bucket location, the write credentials (private) and the read credentials
 * (published on chain for validators), and transfer settings. Build it from Grail's environment
 * variables with {@link #fromEnvironment(Map)}. {@link #toString()} is safe to log: secrets are
 * redacted, key ids masked.
 *
 * <p>Rules checked (each failure says which variable to fix and how):
 * <ul>
 *   <li>{@code R2_BUCKET_ID} must equal {@code R2_ACCOUNT_ID}: validators derive the bucket name from
 *       the account id in the miner's on-chain commitment;
 *   <li>the account id and read key id fit the commitment's 32 characters, the read secret its 64;
 *   <li>read keys are both set or both absent; when absent the write keys are used for reading
 *       too (the reference's single-credential fallback; it publishes the write keys on chain, so
 *       {@link #readFallsBackToWrite()} is true and callers should warn).
 * </ul>
 */
public record ObjectStoreSettings(
    BucketLocation location,
    AccessCredentials writeCredentials,
    AccessCredentials readCredentials,
    boolean readFallsBackToWrite,
    TransferSettings transfer) {

  /** The commitment holds 32 characters of account id, 32 of read key id, 64 of read secret. */
  static final int COMMITMENT_ACCOUNT_CHARS = 32;
  static final int COMMITMENT_KEY_ID_CHARS = 32;
  static final int COMMITMENT_SECRET_CHARS = 64;

  public ObjectStoreSettings {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(writeCredentials, "writeCredentials");
    Objects.requireNonNull(readCredentials, "readCredentials");
    Objects.requireNonNull(transfer, "transfer");
  }

  /**
   * Reads {@code R2_ACCOUNT_ID}, {@code R2_BUCKET_ID}, {@code R2_WRITE_ACCESS_KEY_ID},
   * {@code R2_WRITE_SECRET_ACCESS_KEY}, optional {@code R2_READ_ACCESS_KEY_ID} /
   * {@code R2_READ_SECRET_ACCESS_KEY}, {@code R2_ENDPOINT_URL}, {@code R2_REGION} (default
   * us-east-1), {@code R2_FORCE_PATH_STYLE} (1/true/yes) and {@code UPLOAD_TIMEOUT} (seconds per
   * upload attempt, default 90).
   */
  public static ObjectStoreSettings fromEnvironment(Map<String, String> environment) {
    String account = require(environment, "R2_ACCOUNT_ID",
        "set it to your Cloudflare account id (32 hex characters, shown in the R2 dashboard)");
    String bucket = require(environment, "R2_BUCKET_ID",
        "set it to your bucket's name, which must equal R2_ACCOUNT_ID");
    if (!bucket.equals(account)) {
      throw new InvalidStorageSettingsException("R2_BUCKET_ID must equal R2_ACCOUNT_ID (R2_BUCKET_ID='" + bucket
          + "', R2_ACCOUNT_ID='" + account + "'): validators find your files in the bucket named after the account id "
          + "in your on-chain commitment. Create a bucket named '" + account + "' (location ENAM) and set R2_BUCKET_ID to it.");
    }
    if (account.length() > COMMITMENT_ACCOUNT_CHARS) {
      throw new InvalidStorageSettingsException("R2_ACCOUNT_ID is " + account.length()
          + " characters; the on-chain commitment holds " + COMMITMENT_ACCOUNT_CHARS + ". Use the 32-character account id.");
    }
    String writeId = value(environment, "R2_WRITE_ACCESS_KEY_ID");
    String writeSecret = value(environment, "R2_WRITE_SECRET_ACCESS_KEY");
    if (writeId == null || writeSecret == null) {
      throw new InvalidStorageSettingsException("R2_WRITE_ACCESS_KEY_ID and R2_WRITE_SECRET_ACCESS_KEY must both be set: "
          + "create an R2 API token with Object Read & Write permission on bucket '" + bucket + "'.");
    }
    AccessCredentials write = new AccessCredentials(writeId, writeSecret);
    String readId = value(environment, "R2_READ_ACCESS_KEY_ID");
    String readSecret = value(environment, "R2_READ_SECRET_ACCESS_KEY");
    AccessCredentials read;
    boolean fallback;
    if (readId == null && readSecret == null) {
      read = write;
      fallback = true;
    } else if (readId == null || readSecret == null) {
      throw new InvalidStorageSettingsException((readId == null ? "R2_READ_SECRET_ACCESS_KEY is set but R2_READ_ACCESS_KEY_ID is not"
          : "R2_READ_ACCESS_KEY_ID is set but R2_READ_SECRET_ACCESS_KEY is not")
          + ": set both (an R2 API token with Object Read only), or neither to fall back to the write keys.");
    } else {
      read = new AccessCredentials(readId, readSecret);
      fallback = false;
    }
    if (read.accessKeyId().length() > COMMITMENT_KEY_ID_CHARS || read.secretAccessKey().length() > COMMITMENT_SECRET_CHARS) {
      throw new InvalidStorageSettingsException("the read key id must be at most " + COMMITMENT_KEY_ID_CHARS
          + " characters and its secret at most " + COMMITMENT_SECRET_CHARS
          + " (the on-chain commitment truncates longer ones, and validators could not read your bucket); "
          + "use R2 API token keys");
    }
    String endpointText = value(environment, "R2_ENDPOINT_URL");
    URI endpoint;
    boolean overridden = endpointText != null;
    if (overridden) {
      endpoint = parseEndpoint(endpointText);
    } else {
      endpoint = BucketLocation.r2Endpoint(account);
    }
    String region = Objects.requireNonNullElse(value(environment, "R2_REGION"), BucketLocation.DEFAULT_REGION);
    boolean pathStyle = Set.of("1", "true", "yes").contains(
        Objects.requireNonNullElse(value(environment, "R2_FORCE_PATH_STYLE"), "false").toLowerCase(Locale.ROOT));
    TransferSettings transfer = TransferSettings.defaults();
    String timeout = value(environment, "UPLOAD_TIMEOUT");
    if (timeout != null) {
      try {
        double seconds = Double.parseDouble(timeout);
        if (!(seconds > 0)) {
          throw new NumberFormatException();
        }
        transfer = transfer.withAttemptTimeout(Duration.ofMillis(Math.round(seconds * 1000)));
      } catch (NumberFormatException exception) {
        throw new InvalidStorageSettingsException("UPLOAD_TIMEOUT must be a positive number of seconds, got '" + timeout + "'");
      }
    }
    return new ObjectStoreSettings(new BucketLocation(account, bucket, endpoint, overridden, region, pathStyle),
        write, read, fallback, transfer);
  }

  /**
   * The 128-character string miners publish on chain so validators can read their bucket
   * ({@code BucketCredentials.read_commitment}): account id, read key id and read secret, each cut
   * to 32/32/64 characters and space-padded. It contains the read secret by design (that key pair
   * is meant to be public), so it is only for the chain commitment, never for logs.
   */
  public String readCommitment() {
    return pad(location.accountId(), COMMITMENT_ACCOUNT_CHARS) + pad(readCredentials.accessKeyId(), COMMITMENT_KEY_ID_CHARS)
        + pad(readCredentials.secretAccessKey(), COMMITMENT_SECRET_CHARS);
  }

  private static String pad(String value, int width) {
    String cut = value.length() > width ? value.substring(0, width) : value;
    return cut + " ".repeat(width - cut.length());
  }

  /** Settings for an embedded or self-hosted S3 server: one key pair for everything, path-style. */
  public static ObjectStoreSettings forEndpoint(URI endpoint, String bucket, AccessCredentials credentials) {
    return new ObjectStoreSettings(new BucketLocation(bucket, bucket, endpoint, true, BucketLocation.DEFAULT_REGION, true),
        credentials, credentials, true, TransferSettings.defaults());
  }

  /**
   * Read-only settings for another account's bucket (credentials from its on-chain commitment),
   * reached the way this one is. Write credentials are the read ones: the client opened from them
   * can only read.
   */
  public ObjectStoreSettings forReadingAccount(String accountId, AccessCredentials read) {
    return new ObjectStoreSettings(location.forAccount(accountId), read, read, false, transfer);
  }

  public ObjectStoreSettings withTransfer(TransferSettings newTransfer) {
    return new ObjectStoreSettings(location, writeCredentials, readCredentials, readFallsBackToWrite, newTransfer);
  }

  public ObjectStoreSettings withLocation(BucketLocation newLocation) {
    return new ObjectStoreSettings(newLocation, writeCredentials, readCredentials, readFallsBackToWrite, transfer);
  }

  private static URI parseEndpoint(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new URISyntaxException(text, "expected http(s)://host[:port]");
      }
      return uri;
    } catch (URISyntaxException exception) {
      throw new InvalidStorageSettingsException("R2_ENDPOINT_URL is not a valid http(s) URL: '" + text
          + "' (e.g. http://127.0.0.1:9000 for a local S3 server)");
    }
  }

  private static String value(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String require(Map<String, String> environment, String name, String fix) {
    String value = value(environment, name);
    if (value == null) {
      throw new InvalidStorageSettingsException(name + " is not set: " + fix + ".");
    }
    return value;
  }

  @Override
  public String toString() {
    return "ObjectStoreSettings[bucket=" + location.bucket() + ", endpoint=" + location.endpoint() + ", region="
        + location.region() + ", pathStyle=" + location.pathStyle() + ", write=" + writeCredentials + ", read="
        + (readFallsBackToWrite ? "(write keys)" : readCredentials.toString()) + "]";
  }
}
