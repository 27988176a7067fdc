package dev.quarry.storage.objectstore;

import dev.quarry.config.AccessKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server inside the JVM (S3Proxy with its filesystem backend and AWS Signature V4
 * authentication) for the embedded default: the local network's trainer publishes checkpoints to
 * it and miners upload window files to it through the same AWS SDK client they use against R2.
 *
 * <p>Objects are plain files: {@code <dataDir>/s3/<bucket>/<key>} (key slashes become directories),
 * so an operator can look at what was uploaded. It listens on loopback only; port 0 picks a free
 * port. Requests signed with any other key pair are refused with 403.
 */
public final class EmbeddedS3Server implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);

  private final S3Proxy proxy;
  private final Path root;
  private final URI endpoint;
  private final AccessKey credentials;

  private EmbeddedS3Server(S3Proxy proxy, Path root, URI endpoint, AccessKey credentials) {
    this.proxy = proxy;
    this.root = root;
    this.endpoint = endpoint;
    this.credentials = credentials;
  }

  /** Starts on a free loopback port. */
  public static EmbeddedS3Server start(Path dataDirectory, AccessKey credentials) throws IOException {
    return start(dataDirectory, credentials, 0);
  }

  /** Starts on {@code 127.0.0.1:port} (0 for a free one), storing objects under {@code dataDirectory/s3}. */
  public static EmbeddedS3Server start(Path dataDirectory, AccessKey credentials, int port) throws IOException {
    Path root = dataDirectory.resolve("s3").toAbsolutePath();
    Files.createDirectories(root);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(root.toString()))
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V4, credentials.accessKeyId(), credentials.secretAccessKey().reveal())
        .ignoreUnknownHeaders(true)
        .stopTimeout(100)
        .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IOException("embedded S3 server did not start within 10 s (state " + proxy.getState() + ")");
        }
        Thread.sleep(5);
      }
    } catch (IOException exception) {
      stopQuietly(proxy);
      throw exception;
    } catch (Exception exception) {
      stopQuietly(proxy);
      throw new IOException("cannot start the embedded S3 server on 127.0.0.1:" + port + ": " + exception.getMessage(),
          exception);
    }
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    LOG.info("embedded S3 server at {} storing objects under {}", endpoint, root);
    return new EmbeddedS3Server(proxy, root, endpoint, credentials);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The directory holding one subdirectory per bucket. */
  public Path root() {
    return root;
  }

  /** Creates a bucket (a directory) if it does not exist yet. */
  public void createBucket(String bucket) throws IOException {
    if (bucket.isEmpty() || bucket.contains("/") || bucket.startsWith(".")) {
      throw new IllegalArgumentException("invalid bucket name '" + bucket + "'");
    }
    Files.createDirectories(root.resolve(bucket));
  }

  /** Client settings for a bucket on this server (one key pair for reads and writes, path-style). */
  public ObjectStoreSettings settings(String bucket) {
    return ObjectStoreSettings.forEndpoint(endpoint, bucket, credentials);
  }

  @Override
  public void close() {
    stopQuietly(proxy);
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (Exception exception) {
      LOG.debug("stopping the embedded S3 server: {}", exception.getMessage());
    }
  }
}
