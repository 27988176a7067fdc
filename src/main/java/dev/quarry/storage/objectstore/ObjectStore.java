package dev.quarry.storage.objectstore;

import dev.quarry.config.AccessKey;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.storage.objectstore.ObjectStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket, over AWS SDK v2 (JDK URL-connection transport), with Grail's transfer behaviour:
 *
 * <ul>
 *   <li>uploads above the multipart threshold (50 MB) go in parts (50 MB, a few in parallel);
 *   <li>every call is retried on outages and throttling with exponential backoff and jitter (the
 *       SDK's own retries are off, so attempts are counted in one place), never on a missing key or
 *       refused credentials;
 *   <li>an upload is never stored twice: each carries its sha256 as user metadata, and before any
 *       retry we HEAD the key; if an earlier attempt landed (its response was lost), we stop. A
 *       second upload would move the object's LastModified, which validators compare with the
 *       window deadline.
 * </ul>
 *
 * Thread-safe. Close it to release the transfer threads and HTTP connections.
 */
public final class ObjectStore implements AutoCloseable {

  /** User metadata carried by every upload; lets a retry recognise its own earlier success. */
  public static final String SHA256_METADATA = "quarry-sha256";

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
  private static final int DELETE_BATCH = 1000;
  private static final int MAX_PARTS = 10_000;

  private final S3Client client;
  private final String bucket;
  private final ObjectStoreSettings settings;
  private final ExecutorService partUploads;

  private ObjectStore(S3Client client, ObjectStoreSettings settings) {
    this.client = client;
    this.bucket = settings.location().bucket();
    this.settings = settings;
    AtomicInteger threads = new AtomicInteger();
    this.partUploads = Executors.newFixedThreadPool(settings.transfer().parallelParts(), runnable -> {
      Thread thread = new Thread(runnable, "quarry-s3-part-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Which of the settings' key pairs to sign with. */
  public enum Access {
    /** The read keys (the ones published on chain). */
    READ,
    /** The private write keys. */
    WRITE
  }

  /** Opens the settings' bucket with the chosen credentials. */
  public static ObjectStore open(ObjectStoreSettings settings, Access access) {
    return open(settings, access, List.of());
  }

  /** As {@link #open(ObjectStoreSettings, Access)}, with SDK interceptors (tests use one to lose responses). */
  static ObjectStore open(ObjectStoreSettings settings, Access access, List<ExecutionInterceptor> interceptors) {
    AccessKey credentials = access == Access.WRITE ? settings.writeCredentials() : settings.readCredentials();
    BucketLocation location = settings.location();
    S3ClientBuilder builder = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.transfer().connectTimeout())
            .socketTimeout(settings.transfer().readTimeout())
            .build())
        .endpointOverride(location.endpoint())
        .region(Region.of(location.region()))
        // no aws-chunked bodies: S3Proxy intermittently drops the connection after the final chunk
        // (the client then sees "Error writing request body" for an object that was stored); over
        // plain http the SDK now signs the whole payload instead, over https it sends it unsigned
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(location.pathStyle())
            .chunkedEncodingEnabled(false)
            .build())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey().reveal())))
        // R2 rejects some of the SDK's newer default checksum headers; send them only where S3 requires them
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(override -> {
          override.retryStrategy(RetryMode.STANDARD);
          override.retryStrategy(strategy -> strategy.maxAttempts(1));
          interceptors.forEach(override::addExecutionInterceptor);
        });
    return new ObjectStore(builder.build(), settings);
  }

  public String bucket() {
    return bucket;
  }

  public ObjectStoreSettings settings() {
    return settings;
  }

  // ------------------------------------------------------------------ reads

  /** HEAD: size, LastModified, ETag and metadata, or empty if the key does not exist. */
  public Optional<ObjectInfo> head(String key) throws ObjectStoreException {
    try {
      HeadObjectResponse response = call("HEAD", key, () -> client.headObject(request -> request.bucket(bucket).key(key)));
      return Optional.of(new ObjectInfo(key, response.contentLength(), response.lastModified(), response.eTag(),
          response.metadata()));
    } catch (ObjectStoreException exception) {
      if (exception.reason() == Reason.NOT_FOUND) {
        return Optional.empty();
      }
      throw exception;
    }
  }

  public boolean exists(String key) throws ObjectStoreException {
    return head(key).isPresent();
  }

  /** The object's bytes; {@link Reason#NOT_FOUND} if it does not exist. */
  public byte[] get(String key) throws ObjectStoreException {
    return get(key, Long.MAX_VALUE);
  }

  /**
   * The object's bytes, refusing (with {@link Reason#REJECTED}) an object larger than {@code maxBytes}
   * before downloading it: a hostile bucket cannot make us buffer gigabytes.
   */
  public byte[] get(String key, long maxBytes) throws ObjectStoreException {
    return call("GET", key, () -> {
      try (ResponseInputStream<GetObjectResponse> in = client.getObject(request -> request.bucket(bucket).key(key))) {
        Long length = in.response().contentLength();
        if (length != null && length > maxBytes) {
          in.abort();
          throw new TooLargeException(length);
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes == Long.MAX_VALUE ? Integer.MAX_VALUE - 8 : maxBytes + 1));
        if (bytes.length > maxBytes) {
          throw new TooLargeException(bytes.length);
        }
        return bytes;
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      }
    });
  }

  /** Streams an object into {@code target} (atomically) and returns its size and sha256. */
  public Download download(String key, Path target) throws ObjectStoreException {
    return call("GET", key, () -> {
      Path directory = target.toAbsolutePath().getParent();
      Path partial = null;
      try {
        Files.createDirectories(directory);
        partial = Files.createTempFile(directory, "." + target.getFileName(), ".download");
        MessageDigest digest = Hashes.newSha256();
        long size;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request -> request.bucket(bucket).key(key));
            OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), digest)) {
          size = in.transferTo(out);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Download(key, size, Hex.encode(digest.digest()));
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      } finally {
        deleteQuietly(partial);
      }
    });
  }

  /** A finished download: the key, bytes written and their sha256 (lowercase hex). */
  public record Download(String key, long size, String sha256) {}

  /** Every object under {@code prefix}, following continuation tokens page by page. */
  public List<ObjectInfo> list(String prefix) throws ObjectStoreException {
    return list(prefix, 1000);
  }

  /** As {@link #list(String)} with a page size (tests use small pages to exercise pagination). */
  List<ObjectInfo> list(String prefix, int pageSize) throws ObjectStoreException {
    List<ObjectInfo> objects = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page = call("LIST", prefix, () -> client.listObjectsV2(request -> {
        request.bucket(bucket).prefix(prefix).maxKeys(pageSize);
        if (continuation != null) {
          request.continuationToken(continuation);
        }
      }));
      for (S3Object object : page.contents()) {
        objects.add(new ObjectInfo(object.key(), object.size(), object.lastModified(), object.eTag(), Map.of()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return objects;
  }

  // ------------------------------------------------------------------ writes

  /** Uploads bytes (multipart above the threshold); see the class comment for retry behaviour. */
  public ObjectInfo put(String key, byte[] bytes) throws ObjectStoreException {
    return upload(key, new BytesSource(bytes));
  }

  /** Uploads a file (multipart above the threshold), reading parts from disk as they are sent. */
  public ObjectInfo put(String key, Path file) throws ObjectStoreException {
    try {
      return upload(key, new FileSource(file));
    } catch (UncheckedIOException exception) {
      throw new ObjectStoreException(Reason.REJECTED, "cannot read " + file + " to upload it as " + describe(key)
          + ": " + exception.getCause().getMessage(), exception.getCause());
    }
  }

  public void delete(String key) throws ObjectStoreException {
    call("DELETE", key, () -> client.deleteObject(request -> request.bucket(bucket).key(key)));
  }

  /** Deletes every object under a prefix (batched). */
  public int deletePrefix(String prefix) throws ObjectStoreException {
    List<ObjectInfo> objects = list(prefix);
    for (int start = 0; start < objects.size(); start += DELETE_BATCH) {
      List<ObjectIdentifier> batch = objects.subList(start, Math.min(objects.size(), start + DELETE_BATCH)).stream()
          .map(object -> ObjectIdentifier.builder().key(object.key()).build())
          .toList();
      call("DELETE", prefix, () -> client.deleteObjects(request -> request.bucket(bucket)
          .delete(Delete.builder().objects(batch).quiet(true).build())));
    }
    return objects.size();
  }

  /** Creates the bucket if it does not exist (for the embedded server; R2 buckets are made in the dashboard). */
  public void createBucketIfMissing() throws ObjectStoreException {
    try {
      call("HEAD bucket", "", () -> client.headBucket(request -> request.bucket(bucket)));
    } catch (ObjectStoreException exception) {
      if (exception.reason() != Reason.NOT_FOUND && exception.reason() != Reason.NO_SUCH_BUCKET) {
        throw exception;
      }
      call("CREATE bucket", "", () -> client.createBucket(request -> request.bucket(bucket)));
    }
  }

  private ObjectInfo upload(String key, Source source) throws ObjectStoreException {
    String sha256 = source.sha256();
    Map<String, String> metadata = Map.of(SHA256_METADATA, sha256);
    long size = source.size();
    int attempts = settings.transfer().retry().maxAttempts();
    ObjectStoreException last = null;
    if (size > settings.transfer().multipartThreshold()) {
      return multipartUpload(key, source, metadata);
    }
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        Optional<ObjectInfo> landed = landed(key, size, sha256);
        if (landed.isPresent()) {
          LOG.info("upload of {} had landed before its response was lost; not uploading it again", describe(key));
          return landed.get();
        }
      }
      try {
        once("PUT", key, () -> client.putObject(request -> request.bucket(bucket).key(key).contentLength(size)
            .metadata(metadata)
            .overrideConfiguration(override -> override.apiCallAttemptTimeout(settings.transfer().attemptTimeout())),
            source.body(0, size)));
        return head(key).orElseThrow(() -> new ObjectStoreException(Reason.UNAVAILABLE,
            describe(key) + " is missing right after a successful upload", null));
      } catch (ObjectStoreException exception) {
        last = exception;
        if (!retryable(exception) || attempt + 1 == attempts) {
          break;
        }
        pause("PUT", key, attempt, exception);
      }
    }
    // a last look: the final attempt may also have landed
    if (last != null && retryable(last)) {
      Optional<ObjectInfo> landed = landed(key, size, sha256);
      if (landed.isPresent()) {
        return landed.get();
      }
    }
    throw exhausted("upload", key, last);
  }

  private ObjectInfo multipartUpload(String key, Source source, Map<String, String> metadata) throws ObjectStoreException {
    long size = source.size();
    long partSize = Math.max(settings.transfer().partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
    int partCount = (int) ((size + partSize - 1) / partSize);
    String uploadId = call("CREATE multipart", key, () -> client.createMultipartUpload(request -> request.bucket(bucket)
        .key(key).metadata(metadata))).uploadId();
    LOG.debug("multipart upload of {}: {} bytes in {} parts", describe(key), size, partCount);
    try {
      List<Future<CompletedPart>> futures = new ArrayList<>();
      for (int part = 1; part <= partCount; part++) {
        int number = part;
        long offset = (part - 1) * partSize;
        long length = Math.min(partSize, size - offset);
        futures.add(partUploads.submit(() -> call("PUT part " + number, key, () -> {
          String eTag = client.uploadPart(request -> request.bucket(bucket).key(key).uploadId(uploadId)
              .partNumber(number).contentLength(length)
              .overrideConfiguration(override -> override.apiCallAttemptTimeout(settings.transfer().attemptTimeout())),
              source.body(offset, length)).eTag();
          return CompletedPart.builder().partNumber(number).eTag(eTag).build();
        })));
      }
      List<CompletedPart> parts = new ArrayList<>();
      for (Future<CompletedPart> future : futures) {
        parts.add(awaitPart(future, key));
      }
      return completeMultipart(key, uploadId, parts, size, metadata.get(SHA256_METADATA));
    } catch (ObjectStoreException | RuntimeException exception) {
      try {
        once("ABORT multipart", key, () -> client.abortMultipartUpload(request -> request.bucket(bucket).key(key)
            .uploadId(uploadId)));
      } catch (ObjectStoreException abortFailure) {
        LOG.debug("could not abort multipart upload of {}: {}", describe(key), abortFailure.getMessage());
      }
      throw exception;
    }
  }

  private ObjectInfo completeMultipart(String key, String uploadId, List<CompletedPart> parts, long size, String sha256)
      throws ObjectStoreException {
    int attempts = settings.transfer().retry().maxAttempts();
    ObjectStoreException last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        Optional<ObjectInfo> landed = landed(key, size, sha256);
        if (landed.isPresent()) {
          return landed.get();
        }
      }
      try {
        once("COMPLETE multipart", key, () -> client.completeMultipartUpload(request -> request.bucket(bucket).key(key)
            .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
        return head(key).orElseThrow(() -> new ObjectStoreException(Reason.UNAVAILABLE,
            describe(key) + " is missing right after completing its upload", null));
      } catch (ObjectStoreException exception) {
        last = exception;
        if (!retryable(exception) || attempt + 1 == attempts) {
          break;
        }
        pause("COMPLETE multipart", key, attempt, exception);
      }
    }
    throw exhausted("upload", key, last);
  }

  private CompletedPart awaitPart(Future<CompletedPart> future, String key) throws ObjectStoreException {
    try {
      return future.get();
    } catch (InterruptedException exception) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(Reason.UNAVAILABLE, "interrupted while uploading " + describe(key), exception);
    } catch (ExecutionException exception) {
      if (exception.getCause() instanceof ObjectStoreException failure) {
        throw failure;
      }
      throw new ObjectStoreException(Reason.UNAVAILABLE, "uploading a part of " + describe(key) + " failed: "
          + exception.getCause(), exception.getCause());
    }
  }

  /** One HEAD, no retries: did an earlier attempt store exactly these bytes? */
  private Optional<ObjectInfo> landed(String key, long size, String sha256) {
    try {
      HeadObjectResponse response = once("HEAD", key, () -> client.headObject(request -> request.bucket(bucket).key(key)));
      return Optional.of(new ObjectInfo(key, response.contentLength(), response.lastModified(), response.eTag(),
          response.metadata())).filter(info -> info.size() == size && sha256.equals(info.metadata().get(SHA256_METADATA)));
    } catch (ObjectStoreException exception) {
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------ call plumbing

  /** Runs an idempotent call with retries. */
  private <T> T call(String operation, String key, Supplier<T> action) throws ObjectStoreException {
    int attempts = settings.transfer().retry().maxAttempts();
    ObjectStoreException last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      try {
        return once(operation, key, action);
      } catch (ObjectStoreException exception) {
        last = exception;
        if (!retryable(exception) || attempt + 1 == attempts) {
          break;
        }
        pause(operation, key, attempt, exception);
      }
    }
    if (last != null && !retryable(last)) {
      throw last;
    }
    throw exhausted(operation, key, last);
  }

  /** Runs a call once, translating SDK failures into classified {@link ObjectStoreException}s. */
  private <T> T once(String operation, String key, Supplier<T> action) throws ObjectStoreException {
    try {
      return action.get();
    } catch (TooLargeException exception) {
      throw new ObjectStoreException(Reason.REJECTED, describe(key) + " is " + exception.size
          + " bytes, more than this read accepts", exception);
    } catch (NoSuchBucketException exception) {
      throw new ObjectStoreException(Reason.NO_SUCH_BUCKET, "bucket '" + bucket + "' does not exist at "
          + settings.location().endpoint() + " (create it, named after the account id)", exception);
    } catch (AwsServiceException exception) {
      throw classify(operation, key, exception);
    } catch (SdkClientException | UncheckedIOException exception) {
      throw new ObjectStoreException(Reason.UNAVAILABLE, operation + " " + describe(key) + " failed: "
          + exception.getMessage(), exception);
    } catch (SdkException exception) {
      throw new ObjectStoreException(Reason.UNAVAILABLE, operation + " " + describe(key) + " failed: "
          + exception.getMessage(), exception);
    }
  }

  private ObjectStoreException classify(String operation, String key, AwsServiceException exception) {
    int status = exception.statusCode();
    String code = exception.awsErrorDetails() == null ? null : exception.awsErrorDetails().errorCode();
    String what = operation + " " + describe(key);
    String detail = (code == null ? "HTTP " + status : code + " (HTTP " + status + ")");
    if ("NoSuchBucket".equals(code)) {
      return new ObjectStoreException(Reason.NO_SUCH_BUCKET, "bucket '" + bucket + "' does not exist at "
          + settings.location().endpoint() + " (create it, named after the account id)", exception);
    }
    if (status == 404) {
      return new ObjectStoreException(Reason.NOT_FOUND, what + ": not found", exception);
    }
    if (status == 403 || status == 401 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
        || "AccessDenied".equals(code)) {
      return new ObjectStoreException(Reason.ACCESS_DENIED, what + " was refused: " + detail
          + "; check the access key id and secret for bucket '" + bucket + "'", exception);
    }
    if (status == 429 || status >= 500 || "SlowDown".equals(code) || "RequestTimeout".equals(code)) {
      return new ObjectStoreException(Reason.UNAVAILABLE, what + " failed: " + detail, exception);
    }
    return new ObjectStoreException(Reason.REJECTED, what + " was rejected: " + detail + ": "
        + exception.awsErrorDetails().errorMessage(), exception);
  }

  private static boolean retryable(ObjectStoreException exception) {
    return exception.reason() == Reason.UNAVAILABLE;
  }

  private static boolean throttled(ObjectStoreException exception) {
    String text = String.valueOf(exception.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return text.contains("slowdown") || text.contains("429") || text.contains("requestlimitexceeded")
        || text.contains("throttl");
  }

  private void pause(String operation, String key, int attempt, ObjectStoreException exception) throws ObjectStoreException {
    Duration delay = settings.transfer().retry().delayAfter(attempt, throttled(exception));
    LOG.warn("{} {} attempt {} of {} failed ({}); retrying in {} ms", operation, describe(key), attempt + 1,
        settings.transfer().retry().maxAttempts(), exception.getMessage(), delay.toMillis());
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(Reason.UNAVAILABLE, "interrupted while retrying " + describe(key), interrupted);
    }
  }

  private ObjectStoreException exhausted(String operation, String key, ObjectStoreException last) {
    if (last == null) {
      return new ObjectStoreException(Reason.UNAVAILABLE, operation + " " + describe(key) + " failed", null);
    }
    if (!retryable(last)) {
      return last;
    }
    return new ObjectStoreException(Reason.UNAVAILABLE, operation + " " + describe(key) + " failed after "
        + settings.transfer().retry().maxAttempts() + " attempts: " + last.getMessage(), last);
  }

  private String describe(String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public void close() {
    partUploads.shutdownNow();
    client.close();
  }

  // ------------------------------------------------------------------ upload sources

  private interface Source {
    long size();

    String sha256();

    RequestBody body(long offset, long length);
  }

  private record BytesSource(byte[] bytes) implements Source {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public String sha256() {
      return Hex.encode(Hashes.sha256(bytes));
    }

    @Override
    public RequestBody body(long offset, long length) {
      // fromByteBuffer copies from index 0 of the buffer, so hand it a slice starting at the part
      return RequestBody.fromByteBuffer(ByteBuffer.wrap(bytes, (int) offset, (int) length).slice());
    }
  }

  private record FileSource(Path file) implements Source {
    @Override
    public long size() {
      try {
        return Files.size(file);
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      }
    }

    @Override
    public String sha256() {
      MessageDigest digest = Hashes.newSha256();
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 20];
        int read;
        while ((read = in.read(buffer)) >= 0) {
          digest.update(buffer, 0, read);
        }
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      }
      return Hex.encode(digest.digest());
    }

    @Override
    public RequestBody body(long offset, long length) {
      if (offset == 0 && length == size()) {
        return RequestBody.fromFile(file);
      }
      // one part: read it into memory (parts are 50 MB; a few are in flight at once)
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, offset + buffer.position()) < 0) {
            throw new IOException("unexpected end of " + file);
          }
        }
        return RequestBody.fromByteBuffer(buffer.flip());
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      }
    }
  }

  private static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long size;

    TooLargeException(long size) {
      super(null, null, false, false);
      this.size = size;
    }
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
  }
}
