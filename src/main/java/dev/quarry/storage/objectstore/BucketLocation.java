package dev.quarry.storage.objectstore;

import dev.quarry.config.BucketSettings;
import java.net.URI;
import java.util.Objects;

/**
 * Where a bucket lives: account id, bucket name (Grail requires it to equal the account id), the S3
 * endpoint ({@code https://{account}.r2.cloudflarestorage.com} unless overridden), region and
 * addressing style. {@code endpointOverridden} remembers an {@code R2_ENDPOINT_URL}, which then
 * applies to every bucket we open (as in the reference), e.g. the embedded server.
 */
public record BucketLocation(String accountId, String bucket, URI endpoint, boolean endpointOverridden, String region,
    boolean pathStyle) {

  public BucketLocation {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
  }

  /**
   * The location of another account's bucket (a miner's, or the trainer's) as read from its on-chain
   * commitment: bucket named after the account, reached the same way as ours (same endpoint override,
   * region and addressing).
   */
  public BucketLocation forAccount(String otherAccountId) {
    String account = otherAccountId.strip();
    URI otherEndpoint = endpointOverridden ? endpoint : BucketSettings.cloudflareEndpoint(account);
    return new BucketLocation(account, account, otherEndpoint, endpointOverridden, region, pathStyle);
  }
}
