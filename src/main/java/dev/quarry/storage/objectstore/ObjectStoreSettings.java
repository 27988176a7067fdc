package dev.quarry.storage.objectstore;

import dev.quarry.config.AccessKey;
import dev.quarry.config.BucketSettings;
import dev.quarry.config.QuarrySettings;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link ObjectStore} client needs: where the bucket is, the write key (private) and the
 * read key (published on chain for validators), and transfer settings. The operator's bucket comes
 * from {@link #from(BucketSettings)}: {@code dev.quarry.config} reads and checks the {@code R2_*}
 * variables ({@link QuarrySettings#requireStorage()}), this record only adds what the client does
 * with them. {@link #toString()} is safe to log: secrets are redacted, key ids masked.
 *
 * @param readFallsBackToWrite single-credential mode ({@code QUARRY_ALLOW_SINGLE_CREDENTIAL=true}
 *     and no read key): the write key is used for reading and is what the commitment publishes
 */
public record ObjectStoreSettings(
    BucketLocation location,
    AccessKey writeCredentials,
    AccessKey readCredentials,
    boolean readFallsBackToWrite,
    TransferSettings transfer) {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreSettings.class);

  public ObjectStoreSettings {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(writeCredentials, "writeCredentials");
    Objects.requireNonNull(readCredentials, "readCredentials");
    Objects.requireNonNull(transfer, "transfer");
  }

  /** The operator's bucket as configured ({@code R2_*}, {@code UPLOAD_TIMEOUT}), with default transfer settings. */
  public static ObjectStoreSettings from(BucketSettings bucket) {
    BucketLocation location = new BucketLocation(bucket.accountId(), bucket.bucketName(), bucket.endpoint(),
        bucket.endpointOverridden(), bucket.region(), bucket.forcePathStyle());
    return new ObjectStoreSettings(location, bucket.write(), bucket.read(), bucket.readUsesWriteKey(),
        TransferSettings.defaults().withAttemptTimeout(bucket.uploadTimeout()));
  }

  /**
   * The on-chain commitment of the read credentials ({@code BucketCredentials.read_commitment}): it
   * contains the read secret by design (that key pair is meant to be public), so it is for the chain
   * commitment only, never for logs. In single-credential mode it carries the write key, which is
   * logged as a warning (variable names only) every time it is built.
   *
   * @throws IllegalArgumentException when a credential does not fit the commitment (settings from
   *     {@link #from(BucketSettings)} always fit: configuration checks the same rule)
   */
  public ReadCredentialCommitment readCommitment() {
    if (readFallsBackToWrite) {
      LOG.warn("the read commitment carries the WRITE key of bucket {} (single-credential mode: "
          + "QUARRY_ALLOW_SINGLE_CREDENTIAL=true without R2_READ_ACCESS_KEY_ID / R2_READ_SECRET_ACCESS_KEY, or a one-key "
          + "embedded server); anyone reading the chain can overwrite or delete its files", location.bucket());
    }
    return ReadCredentialCommitment.of(location.accountId(), readCredentials.accessKeyId(),
        readCredentials.secretAccessKey().reveal());
  }

  /** Settings for an embedded or self-hosted S3 server: one key pair for everything, path-style. */
  public static ObjectStoreSettings forEndpoint(URI endpoint, String bucket, AccessKey credentials) {
    return new ObjectStoreSettings(new BucketLocation(bucket, bucket, endpoint, true, BucketSettings.DEFAULT_REGION, true),
        credentials, credentials, true, TransferSettings.defaults());
  }

  /**
   * Read-only settings for another account's bucket (credentials from its on-chain commitment),
   * reached the way this one is. Write credentials are the read ones: the client opened from them
   * can only read.
   */
  public ObjectStoreSettings forReadingAccount(String accountId, AccessKey read) {
    return new ObjectStoreSettings(location.forAccount(accountId), read, read, false, transfer);
  }

  /** Read-only settings for the bucket a miner (or the trainer) published in its commitment. */
  public ObjectStoreSettings forReading(ReadCredentialCommitment commitment) {
    return forReadingAccount(commitment.accountId(), AccessKey.of(commitment.accessKeyId(), commitment.secretAccessKey()));
  }

  public ObjectStoreSettings withTransfer(TransferSettings newTransfer) {
    return new ObjectStoreSettings(location, writeCredentials, readCredentials, readFallsBackToWrite, newTransfer);
  }

  public ObjectStoreSettings withLocation(BucketLocation newLocation) {
    return new ObjectStoreSettings(newLocation, writeCredentials, readCredentials, readFallsBackToWrite, transfer);
  }

  @Override
  public String toString() {
    return "ObjectStoreSettings[bucket=" + location.bucket() + ", endpoint=" + location.endpoint() + ", region="
        + location.region() + ", pathStyle=" + location.pathStyle() + ", write=" + writeCredentials + ", read="
        + (readFallsBackToWrite ? "(write keys)" : readCredentials.toString()) + "]";
  }
}
