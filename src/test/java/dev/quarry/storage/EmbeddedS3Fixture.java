package dev.quarry.storage;

import dev.quarry.config.AccessKey;
import dev.quarry.storage.objectstore.EmbeddedS3Server;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.objectstore.RetryPolicy;
import dev.quarry.storage.objectstore.TransferSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded S3 server for a test class, with a fresh bucket per test. */
public final class EmbeddedS3Fixture implements AutoCloseable {

  public static final AccessKey KEYS =
      AccessKey.of("fixturekey000000000000000000001", "fixture-secret-000000000000000000000000000000000000000000001");

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final EmbeddedS3Server server;

  private EmbeddedS3Fixture(EmbeddedS3Server server) {
    this.server = server;
  }

  public static EmbeddedS3Fixture start(Path dataDirectory) {
    try {
      return new EmbeddedS3Fixture(EmbeddedS3Server.start(dataDirectory, KEYS));
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  public EmbeddedS3Server server() {
    return server;
  }

  /** Settings for a new, empty bucket with fast retries. */
  public ObjectStoreSettings newBucketSettings() {
    String bucket = "bucket-" + BUCKETS.incrementAndGet();
    try {
      server.createBucket(bucket);
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
    return server.settings(bucket).withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(2)));
  }

  public ObjectStore newBucket() {
    return ObjectStore.open(newBucketSettings(), ObjectStore.Access.WRITE);
  }

  @Override
  public void close() {
    server.close();
  }
}
