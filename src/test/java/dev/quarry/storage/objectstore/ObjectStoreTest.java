package dev.quarry.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.AccessKey;
import dev.quarry.storage.objectstore.ObjectStoreException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The AWS SDK client against the embedded S3Proxy server, over real HTTP with SigV4 on loopback. */
class ObjectStoreTest {

  private static final AccessKey KEYS =
      AccessKey.of("quarrytestkey0000000000000000001", "quarry-test-secret-0123456789abcdef0123456789abcdef0123456789ab");

  @TempDir static Path dataDirectory;
  private static EmbeddedS3Server server;

  @BeforeAll
  static void start() throws IOException {
    server = EmbeddedS3Server.start(dataDirectory, KEYS);
    server.createBucket("miner");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ObjectStoreSettings settings() {
    return server.settings("miner").withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(3)));
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void roundTripsThroughTheServerAndLandsAsPlainFiles() throws IOException {
    byte[] body = randomBytes(100_000, 1);
    try (ObjectStore store = ObjectStore.open(settings(), ObjectStore.Access.WRITE)) {
      ObjectInfo stored = store.put("grail/windows/hk-window-60.parquet", body);
      assertThat(stored.size()).isEqualTo(body.length);
      assertThat(stored.lastModified()).isNotNull();
      assertThat(stored.metadata()).containsKey(ObjectStore.SHA256_METADATA);
      assertThat(store.get("grail/windows/hk-window-60.parquet")).isEqualTo(body);
      assertThat(store.head("grail/windows/hk-window-60.parquet")).hasValueSatisfying(info ->
          assertThat(info.size()).isEqualTo(body.length));
      assertThat(store.head("grail/windows/absent")).isEmpty();
      assertThatThrownBy(() -> store.get("grail/windows/absent"))
          .isInstanceOf(ObjectStoreException.class)
          .satisfies(error -> assertThat(((ObjectStoreException) error).reason()).isEqualTo(Reason.NOT_FOUND));
      assertThatThrownBy(() -> store.get("grail/windows/hk-window-60.parquet", 1000))
          .isInstanceOf(ObjectStoreException.class).hasMessageContaining("100000 bytes");
    }
    assertThat(server.root().resolve("miner/grail/windows/hk-window-60.parquet")).hasBinaryContent(body);
  }

  @Test
  void listsEveryPageAndDeletesByPrefix() throws IOException {
    try (ObjectStore store = ObjectStore.open(settings(), ObjectStore.Access.WRITE)) {
      for (int i = 0; i < 7; i++) {
        store.put("list-test/item-" + i, new byte[] {(byte) i});
      }
      store.put("other/item", new byte[] {1});
      List<ObjectInfo> listed = store.list("list-test/", 2);
      assertThat(listed).extracting(ObjectInfo::key).containsExactlyInAnyOrder(
          "list-test/item-0", "list-test/item-1", "list-test/item-2", "list-test/item-3", "list-test/item-4",
          "list-test/item-5", "list-test/item-6");
      assertThat(store.deletePrefix("list-test/")).isEqualTo(7);
      assertThat(store.list("list-test/")).isEmpty();
      assertThat(store.exists("other/item")).isTrue();
    }
  }

  @Test
  void largeUploadsGoInPartsFromMemoryAndFromDisk(@TempDir Path scratch) throws IOException {
    ObjectStoreSettings multipart = settings().withTransfer(settings().transfer()
        .withMultipart(TransferSettings.MIN_PART_SIZE, TransferSettings.MIN_PART_SIZE));
    CountingInterceptor counter = new CountingInterceptor();
    byte[] body = randomBytes((int) (2.4 * TransferSettings.MIN_PART_SIZE), 2);
    Path file = scratch.resolve("weights.bin");
    Files.write(file, body);
    try (ObjectStore store = ObjectStore.open(multipart, ObjectStore.Access.WRITE, List.of(counter))) {
      store.put("big/from-memory", body);
      assertThat(counter.parts.get()).isEqualTo(3);
      store.put("big/from-file", file);
      assertThat(counter.parts.get()).isEqualTo(6);
      assertThat(counter.puts.get()).isZero();
      assertThat(store.get("big/from-memory")).isEqualTo(body);
      ObjectStore.Download download = store.download("big/from-file", scratch.resolve("copy.bin"));
      assertThat(download.size()).isEqualTo(body.length);
      assertThat(scratch.resolve("copy.bin")).hasBinaryContent(body);
      assertThat(download.sha256()).isEqualTo(dev.quarry.crypto.Hex.encode(
          dev.quarry.crypto.Hashes.sha256(body)));
    }
  }

  @Test
  void aWrongSecretIsRefusedWithoutRetrying() {
    ObjectStoreSettings wrong = ObjectStoreSettings.forEndpoint(server.endpoint(), "miner",
        AccessKey.of(KEYS.accessKeyId(), "not-the-secret-0000000000000000000000000000"))
        .withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(3)));
    CountingInterceptor counter = new CountingInterceptor();
    try (ObjectStore store = ObjectStore.open(wrong, ObjectStore.Access.WRITE, List.of(counter))) {
      assertThatThrownBy(() -> store.put("denied", new byte[] {1, 2, 3}))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("SignatureDoesNotMatch").hasMessageContaining("403")
          .hasMessageNotContaining("not-the-secret")
          .satisfies(error -> assertThat(((ObjectStoreException) error).reason()).isEqualTo(Reason.ACCESS_DENIED));
      assertThat(counter.puts.get()).isEqualTo(1);
    }
  }

  @Test
  void aMissingBucketIsNamed() {
    ObjectStoreSettings missing = server.settings("no-such-bucket")
        .withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(2)));
    try (ObjectStore store = ObjectStore.open(missing, ObjectStore.Access.READ)) {
      assertThatThrownBy(() -> store.list("grail/"))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("bucket 'no-such-bucket' does not exist")
          .satisfies(error -> assertThat(((ObjectStoreException) error).reason()).isEqualTo(Reason.NO_SUCH_BUCKET));
    }
  }

  @Test
  void aLostResponseDoesNotCauseASecondUpload() throws IOException {
    LosingInterceptor loser = new LosingInterceptor(1);
    byte[] body = randomBytes(5_000, 3);
    try (ObjectStore store = ObjectStore.open(settings(), ObjectStore.Access.WRITE, List.of(loser))) {
      ObjectInfo info = store.put("grail/windows/lost-window-90.parquet", body);
      assertThat(loser.puts.get()).as("PUT requests sent").isEqualTo(1);
      assertThat(loser.lost.get()).isEqualTo(1);
      assertThat(info.size()).isEqualTo(body.length);
      assertThat(store.get("grail/windows/lost-window-90.parquet")).isEqualTo(body);
    }
  }

  @Test
  void anOutageFailsClearlyAfterTheConfiguredAttempts() throws IOException {
    java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    int closedPort = socket.getLocalPort();
    socket.close();
    ObjectStoreSettings down = ObjectStoreSettings.forEndpoint(java.net.URI.create("http://127.0.0.1:" + closedPort),
        "miner", KEYS).withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(3)));
    CountingInterceptor counter = new CountingInterceptor();
    try (ObjectStore store = ObjectStore.open(down, ObjectStore.Access.WRITE, List.of(counter))) {
      assertThatThrownBy(() -> store.put("grail/windows/x", new byte[300]))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("failed after 3 attempts")
          .satisfies(error -> assertThat(((ObjectStoreException) error).reason()).isEqualTo(Reason.UNAVAILABLE));
      assertThat(counter.puts.get()).isEqualTo(3);
    }
  }

  /** Counts PUT and UploadPart requests that reach the wire. */
  static final class CountingInterceptor implements ExecutionInterceptor {
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger parts = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof PutObjectRequest) {
        puts.incrementAndGet();
      } else if (context.request() instanceof UploadPartRequest) {
        parts.incrementAndGet();
      }
    }
  }

  /** Lets the first {@code count} PUTs reach the server, then fails as if their responses were lost. */
  static final class LosingInterceptor implements ExecutionInterceptor {
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    private final int count;

    LosingInterceptor(int count) {
      this.count = count;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof PutObjectRequest) {
        puts.incrementAndGet();
      }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof PutObjectRequest && lost.get() < count
          && context.httpResponse().statusCode() == 200) {
        lost.incrementAndGet();
        throw SdkClientException.create("simulated: connection reset before the response was read");
      }
    }
  }
}
