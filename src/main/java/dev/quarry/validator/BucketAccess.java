package dev.quarry.validator;

import dev.quarry.config.AccessKey;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.net.URI;
import java.util.Objects;

/**
 * How the validator opens a miner's (or the trainer's) bucket from its on-chain read credentials.
 * The caller closes the store.
 */
@FunctionalInterface
public interface BucketAccess {

  ObjectStore open(ReadCredentialCommitment credentials);

  /**
   * Real mode: the bucket named after the commitment's account id, read with its published key,
   * reached the way {@code base} reaches buckets (Cloudflare R2 per account, or an
   * {@code R2_ENDPOINT_URL} override for every bucket).
   */
  static BucketAccess reading(ObjectStoreSettings base) {
    Objects.requireNonNull(base, "base");
    return credentials -> ObjectStore.open(base.forReading(credentials), ObjectStore.Access.READ);
  }

  /**
   * A single S3 server holding every bucket (the embedded default): the bucket is still the
   * commitment's account id, but requests are signed with the server's own key pair, since a local
   * run's published keys belong to a server instance that may no longer be running.
   */
  static BucketAccess singleServer(URI endpoint, AccessKey serverKey) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(serverKey, "serverKey");
    return credentials -> ObjectStore.open(ObjectStoreSettings.forEndpoint(endpoint, credentials.accountId(), serverKey),
        ObjectStore.Access.READ);
  }
}
