package dev.quarry.env.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches a dataset's Parquet files from the Hugging Face hub (or a mirror at {@code HF_ENDPOINT})
 * into the hub cache, in huggingface_hub's layout ({@code datasets--owner--name/snapshots/<commit>/…}
 * and {@code refs/<revision>}), so Quarry and Python tools share one copy.
 *
 * <p>The revision is resolved to a commit first; the files each config's split needs are chosen
 * from the repository's file list ({@link DatasetFiles}); when a repository has no Parquet files for
 * a split, the hub's Parquet conversion of it is fetched instead. Files are written to a temporary
 * name and moved into place once complete and recognisably Parquet, so an interrupted download
 * never leaves a file that looks finished. The token, when given, is sent only as a bearer header
 * and appears in no message.
 */
public final class HubDownloader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** Told about each file. */
  @FunctionalInterface
  public interface Progress {
    void file(String path, long bytes, boolean alreadyPresent);

    Progress NONE = (path, bytes, alreadyPresent) -> { };
  }

  /**
   * What a download did.
   *
   * @param dataset the dataset
   * @param commit the commit the revision resolved to
   * @param snapshot the snapshot directory the files are in
   * @param downloaded files fetched now
   * @param present files that were already complete
   * @param bytes bytes fetched now
   * @param missingOptional optional splits the hub does not have
   */
  public record Result(HubDataset dataset, String commit, Path snapshot, List<String> downloaded, List<String> present, long bytes,
      List<String> missingOptional) {}

  private final URI endpoint;
  private final Optional<Secret> token;
  private final Path hubCache;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param endpoint the hub, e.g. {@code https://huggingface.co}
   * @param token a bearer token, if any
   * @param hubCache the hub cache ({@code $HF_HOME/hub})
   * @param timeout per-request timeout (headers of a file request, whole API responses)
   */
  public HubDownloader(URI endpoint, Optional<Secret> token, Path hubCache, Duration timeout) {
    this.endpoint = stripSlash(Objects.requireNonNull(endpoint, "endpoint"));
    this.token = Objects.requireNonNull(token, "token");
    this.hubCache = Objects.requireNonNull(hubCache, "hubCache");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
  }

  /** The token from {@code HF_TOKEN} if set, else the one huggingface-cli saved in {@code $HF_HOME/token}. */
  public static Optional<Secret> token(Optional<Secret> configured, Path huggingFaceHome) {
    if (configured.isPresent() && !configured.get().isEmpty()) {
      return configured;
    }
    Path saved = huggingFaceHome.resolve("token");
    try {
      if (Files.isRegularFile(saved)) {
        String value = Files.readString(saved, StandardCharsets.UTF_8).trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
      }
    } catch (IOException unreadable) {
      // An unreadable token file is the same as none: public datasets need no token.
    }
    return Optional.empty();
  }

  /** Downloads every file the reference reads of {@code dataset} at {@code revision} ({@code main} normally). */
  public Result download(HubDataset dataset, String revision, Progress progress) {
    JsonNode info = json(apiUri("/api/datasets/" + dataset.repository() + "/revision/" + encode(revision)),
        "dataset " + dataset.repository() + " at revision " + revision);
    String commit = info.path("sha").asText("");
    if (!commit.matches("[0-9a-f]{7,64}")) {
      throw new HubException("the hub did not name a commit for " + dataset.repository() + " at revision " + revision);
    }
    List<String> repositoryFiles = new ArrayList<>();
    info.path("siblings").forEach(sibling -> repositoryFiles.add(sibling.path("rfilename").asText()));

    Path repository = hubCache.resolve("datasets--" + dataset.owner() + "--" + dataset.repositoryName());
    Path snapshot = repository.resolve("snapshots").resolve(commit);
    Map<String, URI> wanted = new LinkedHashMap<>();
    List<String> missingOptional = new ArrayList<>();
    for (String config : dataset.configs()) {
      for (String split : dataset.splits()) {
        List<String> files = DatasetFiles.select(repositoryFiles, config, split);
        if (!files.isEmpty()) {
          for (String file : files) {
            wanted.put(file, uri(endpoint + "/datasets/" + dataset.repository() + "/resolve/" + commit + "/" + encodePath(file)));
          }
          continue;
        }
        List<URI> converted = converted(dataset, config, split);
        if (converted.isEmpty()) {
          if (dataset.optional(split)) {
            missingOptional.add(config + "/" + split);
            continue;
          }
          throw new HubException(dataset.repository() + " has no Parquet files for config " + config + ", split " + split
              + " at revision " + revision + " (not in the repository, not in the hub's Parquet conversion)");
        }
        for (int i = 0; i < converted.size(); i++) {
          wanted.put(config + "/" + split + "/" + String.format("%04d", i) + ".parquet", converted.get(i));
        }
      }
    }

    List<String> downloaded = new ArrayList<>();
    List<String> present = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, URI> file : wanted.entrySet()) {
      Path target = snapshot.resolve(file.getKey());
      if (looksComplete(target)) {
        present.add(file.getKey());
        progress.file(file.getKey(), sizeOf(target), true);
        continue;
      }
      long size = fetch(file.getValue(), target, file.getKey());
      bytes += size;
      downloaded.add(file.getKey());
      progress.file(file.getKey(), size, false);
    }
    writeRef(repository, revision, commit);
    return new Result(dataset, commit, snapshot, downloaded, present, bytes, missingOptional);
  }

  /** The hub's Parquet conversion of a split: a list of file URLs; empty when it has none. */
  private List<URI> converted(HubDataset dataset, String config, String split) {
    URI api = apiUri("/api/datasets/" + dataset.repository() + "/parquet/" + encode(config) + "/" + encode(split));
    HttpResponse<byte[]> response = send(api, "the Parquet conversion of " + dataset.repository());
    if (response.statusCode() == 404) {
      return List.of();
    }
    check(response, "the Parquet conversion of " + dataset.repository());
    List<URI> urls = new ArrayList<>();
    try {
      for (JsonNode url : JSON.readTree(response.body())) {
        urls.add(uri(url.asText()));
      }
    } catch (IOException garbage) {
      throw new HubException("the hub's Parquet conversion list for " + dataset.repository() + " is not JSON");
    }
    return urls;
  }

  private long fetch(URI source, Path target, String name) {
    HttpRequest request = authorized(HttpRequest.newBuilder(source).timeout(timeout)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException unreachable) {
      throw unreachable(unreachable);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while downloading " + name);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw statusProblem(response.statusCode(), name);
      }
      Files.createDirectories(target.getParent());
      Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
      long size;
      try (OutputStream out = Files.newOutputStream(partial)) {
        size = body.transferTo(out);
      }
      if (!looksComplete(partial)) {
        Files.deleteIfExists(partial);
        throw new HubException(name + " arrived incomplete or is not a Parquet file (" + size + " bytes); run the download again");
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return size;
    } catch (IOException broken) {
      throw new HubException("downloading " + name + " failed: " + broken.getMessage() + "; run the download again");
    }
  }

  private JsonNode json(URI uri, String what) {
    HttpResponse<byte[]> response = send(uri, what);
    check(response, what);
    try {
      return JSON.readTree(response.body());
    } catch (IOException garbage) {
      throw new HubException("the hub's answer about " + what + " is not JSON; is " + endpoint + " a Hugging Face endpoint?");
    }
  }

  private HttpResponse<byte[]> send(URI uri, String what) {
    HttpRequest request = authorized(HttpRequest.newBuilder(uri).timeout(timeout)).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException unreachable) {
      throw unreachable(unreachable);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while asking the hub about " + what);
    }
  }

  private void check(HttpResponse<byte[]> response, String what) {
    if (response.statusCode() != 200) {
      throw statusProblem(response.statusCode(), what);
    }
  }

  private HubException statusProblem(int status, String what) {
    return switch (status) {
      case 401, 403 -> new HubException("the hub refused access to " + what + " (HTTP " + status + "); "
          + (token.isPresent() ? "the token in HF_TOKEN (or $HF_HOME/token) lacks access" : "set HF_TOKEN to a token with access"));
      case 404 -> new HubException(what + " was not found on " + endpoint + " (HTTP 404); check the name and the revision");
      case 429 -> new HubException("the hub is rate-limiting requests (HTTP 429); wait and run the download again"
          + (token.isPresent() ? "" : ", or set HF_TOKEN for a higher limit"));
      default -> new HubException("the hub answered HTTP " + status + " for " + what + "; try again later or set HF_ENDPOINT to a mirror");
    };
  }

  private HubException unreachable(IOException cause) {
    String reason = cause instanceof HttpTimeoutException ? "timed out"
        : cause instanceof ConnectException ? "connection refused" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new HubException("cannot reach " + endpoint + " (" + reason + "); check the network, or set HF_ENDPOINT to a "
        + "reachable mirror, or copy the Parquet files into QUARRY_DATASET_DIR");
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    builder.header("User-Agent", "quarry-datasets");
    token.ifPresent(secret -> builder.header("Authorization", "Bearer " + secret.reveal()));
    return builder;
  }

  private void writeRef(Path repository, String revision, String commit) {
    try {
      Path ref = repository.resolve("refs").resolve(revision);
      Files.createDirectories(ref.getParent());
      Files.writeString(ref, commit, StandardCharsets.UTF_8);
    } catch (IOException unwritable) {
      throw new HubException("cannot record the revision in " + repository + ": " + unwritable.getMessage());
    }
  }

  /** A file at least 12 bytes long that starts and ends with Parquet's magic. */
  static boolean looksComplete(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (RandomAccessFile handle = new RandomAccessFile(file.toFile(), "r")) {
      long length = handle.length();
      if (length < 12) {
        return false;
      }
      byte[] head = new byte[4];
      byte[] tail = new byte[4];
      handle.readFully(head);
      handle.seek(length - 4);
      handle.readFully(tail);
      return java.util.Arrays.equals(head, PARQUET_MAGIC) && java.util.Arrays.equals(tail, PARQUET_MAGIC);
    } catch (IOException unreadable) {
      return false;
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException unreadable) {
      return -1;
    }
  }

  private URI apiUri(String path) {
    return uri(endpoint + path);
  }

  private static URI uri(String text) {
    try {
      return URI.create(text);
    } catch (IllegalArgumentException bad) {
      throw new HubException("the hub sent an unusable address: " + bad.getMessage());
    }
  }

  private static URI stripSlash(URI uri) {
    String text = uri.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      segments.add(encode(segment));
    }
    return String.join("/", segments);
  }

  /** A download problem, phrased for an operator. */
  public static final class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HubException(String message) {
      super(message);
    }
  }
}
