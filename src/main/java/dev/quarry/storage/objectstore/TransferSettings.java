package dev.quarry.storage.objectstore;

import dev.quarry.config.BucketSettings;
import java.time.Duration;

/**
 * Timeouts, multipart sizing and retries for an object store client. Defaults follow the reference:
 * connect 3 s, read 30 s, 90 s per upload attempt ({@code UPLOAD_TIMEOUT}), multipart above 50 MB in
 * 50 MB parts, 3 attempts with exponential backoff and jitter.
 */
public record TransferSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration attemptTimeout,
    long multipartThreshold,
    long partSize,
    int parallelParts,
    RetryPolicy retry) {

  public static final long MEGABYTE = 1024L * 1024;

  /** S3 refuses parts below 5 MiB (except the last). */
  public static final long MIN_PART_SIZE = 5 * MEGABYTE;

  public TransferSettings {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("multipart part size must be at least 5 MiB, got " + partSize);
    }
    if (multipartThreshold < partSize) {
      throw new IllegalArgumentException("multipart threshold must be at least the part size");
    }
    if (parallelParts < 1) {
      throw new IllegalArgumentException("parallelParts must be at least 1");
    }
  }

  public static TransferSettings defaults() {
    return new TransferSettings(Duration.ofSeconds(3), Duration.ofSeconds(30), BucketSettings.DEFAULT_UPLOAD_TIMEOUT,
        50 * MEGABYTE, 50 * MEGABYTE, 4, RetryPolicy.defaults());
  }

  public TransferSettings withAttemptTimeout(Duration timeout) {
    return new TransferSettings(connectTimeout, readTimeout, timeout, multipartThreshold, partSize, parallelParts, retry);
  }

  public TransferSettings withMultipart(long threshold, long size) {
    return new TransferSettings(connectTimeout, readTimeout, attemptTimeout, threshold, size, parallelParts, retry);
  }

  public TransferSettings withRetry(RetryPolicy policy) {
    return new TransferSettings(connectTimeout, readTimeout, attemptTimeout, multipartThreshold, partSize, parallelParts, policy);
  }
}
