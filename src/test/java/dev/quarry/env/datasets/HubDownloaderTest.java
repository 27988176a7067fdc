package dev.quarry.env.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quarry.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub downloader against a loopback HTTP server that speaks the hub's API with files the test
 * provides (the real hub is unreachable here): revision lookup, file selection, redirects to a
 * "CDN", the Parquet-conversion fallback, tokens, and every failure an operator can meet.
 */
class HubDownloaderTest {

  private static final String COMMIT = "4f1e2d3c4b5a69788796a5b4c3d2e1f00112233";
  private static final String TOKEN = "hf_test_token_never_printed";

  @TempDir Path temp;

  private HttpServer server;
  private URI endpoint;
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();
  private volatile boolean requireToken;
  private volatile boolean truncate;

  private static byte[] fixture(String relative) throws IOException {
    return Files.readAllBytes(TestParquet.pyarrowFixtures().resolve(relative));
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    requests.add(path);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      authorizations.put(path, authorization);
    }
    if (requireToken && !("Bearer " + TOKEN).equals(authorization)) {
      respond(exchange, 401, "{\"error\":\"Invalid credentials\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    switch (path) {
      case "/api/datasets/openai/gsm8k/revision/main" -> respond(exchange, 200, json(
          "{\"id\":\"openai/gsm8k\",\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"README.md\"},"
              + "{\"rfilename\":\"main/train-00000-of-00002.parquet\"},{\"rfilename\":\"main/train-00001-of-00002.parquet\"},"
              + "{\"rfilename\":\"main/test-00000-of-00001.parquet\"},{\"rfilename\":\"socratic/train-00000-of-00001.parquet\"}]}"));
      case "/api/datasets/EleutherAI/hendrycks_math/revision/main" -> respond(exchange, 200, json(
          "{\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"hendrycks_math.py\"},{\"rfilename\":\"README.md\"}]}"));
      case "/api/datasets/ScalingIntelligence/KernelBench/revision/main" -> respond(exchange, 200, json(
          "{\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"data/level_1-00000-of-00001.parquet\"},"
              + "{\"rfilename\":\"data/level_2-00000-of-00001.parquet\"},{\"rfilename\":\"data/level_3-00000-of-00001.parquet\"}]}"));
      default -> {
        String resolve = "/datasets/openai/gsm8k/resolve/" + COMMIT + "/";
        if (path.startsWith(resolve)) {
          // The hub redirects file downloads to its CDN.
          exchange.getResponseHeaders().add("Location", endpoint + "/cdn/openai/gsm8k/" + path.substring(resolve.length()));
          respond(exchange, 302, new byte[0]);
        } else if (path.startsWith("/cdn/openai/gsm8k/")) {
          byte[] body = fixture("openai/gsm8k/" + path.substring("/cdn/openai/gsm8k/".length()));
          respond(exchange, 200, truncate ? java.util.Arrays.copyOf(body, body.length / 2) : body);
        } else if (path.startsWith("/datasets/ScalingIntelligence/KernelBench/resolve/" + COMMIT + "/data/")) {
          respond(exchange, 200, fixture("ScalingIntelligence/KernelBench/data/" + path.substring(path.lastIndexOf('/') + 1)));
        } else if (path.startsWith("/api/datasets/EleutherAI/hendrycks_math/parquet/")) {
          String[] parts = path.split("/");
          String config = parts[5];
          String split = parts[6];
          respond(exchange, 200, json("[\"" + endpoint + "/converted/" + config + "/" + split + "/0.parquet\"]"));
        } else if (path.startsWith("/converted/")) {
          respond(exchange, 200, fixture("EleutherAI/hendrycks_math/algebra/train-00000-of-00001.parquet"));
        } else {
          respond(exchange, 404, json("{\"error\":\"not found\"}"));
        }
      }
    }
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private HubDownloader downloader(Optional<Secret> token) {
    return new HubDownloader(endpoint, token, temp.resolve("hf-home").resolve("hub"), Duration.ofSeconds(10));
  }

  @Test
  void downloadsTheSplitsTheReferenceReadsIntoTheHuggingFaceCache() throws IOException {
    List<String> reported = new ArrayList<>();
    HubDownloader.Result result = downloader(Optional.empty()).download(HubDataset.GSM8K, "main",
        (path, bytes, present) -> reported.add(path + (present ? " present" : "")));
    assertThat(result.commit()).isEqualTo(COMMIT);
    assertThat(result.downloaded()).containsExactly("main/train-00000-of-00002.parquet", "main/train-00001-of-00002.parquet",
        "main/test-00000-of-00001.parquet");
    assertThat(reported).hasSize(3);
    Path repository = temp.resolve("hf-home/hub/datasets--openai--gsm8k");
    assertThat(Files.readString(repository.resolve("refs/main"))).isEqualTo(COMMIT);
    assertThat(repository.resolve("snapshots").resolve(COMMIT).resolve("socratic")).doesNotExist();
    try (Stream<Path> leftovers = Files.walk(repository)) {
      assertThat(leftovers.filter(file -> file.toString().endsWith(".incomplete"))).isEmpty();
    }

    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.empty(), temp.resolve("hf-home")));
    assertThat(store.gsm8k("train").size()).isEqualTo(5);
    assertThat(store.complete(HubDataset.GSM8K)).isTrue();

    requests.clear();
    HubDownloader.Result again = downloader(Optional.empty()).download(HubDataset.GSM8K, "main", HubDownloader.Progress.NONE);
    assertThat(again.downloaded()).isEmpty();
    assertThat(again.present()).hasSize(3);
    assertThat(requests).containsExactly("/api/datasets/openai/gsm8k/revision/main");
  }

  @Test
  void fallsBackToTheHubsParquetConversionAndSkipsAnAbsentOptionalSplit() {
    HubDownloader.Result math = downloader(Optional.empty()).download(HubDataset.MATH, "main", HubDownloader.Progress.NONE);
    assertThat(math.downloaded()).hasSize(14).contains("algebra/train/0000.parquet", "precalculus/test/0000.parquet");
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.empty(), temp.resolve("hf-home")));
    assertThat(store.math("test")).hasSize(7).allSatisfy(subject -> assertThat(subject.size()).isEqualTo(7));

    HubDownloader.Result kernels = downloader(Optional.empty()).download(HubDataset.KERNELBENCH, "main", HubDownloader.Progress.NONE);
    assertThat(kernels.downloaded()).hasSize(3);
    assertThat(kernels.missingOptional()).containsExactly("default/level_4");
    assertThat(store.kernelBench().size()).isEqualTo(6);
  }

  @Test
  void sendsTheTokenAndNeverPrintsIt() {
    requireToken = true;
    assertThatThrownBy(() -> downloader(Optional.empty()).download(HubDataset.GSM8K, "main", HubDownloader.Progress.NONE))
        .isInstanceOf(HubDownloader.HubException.class).hasMessageContaining("HTTP 401").hasMessageContaining("set HF_TOKEN");
    HubDownloader.Result result = downloader(Optional.of(Secret.of(TOKEN))).download(HubDataset.GSM8K, "main", HubDownloader.Progress.NONE);
    assertThat(result.downloaded()).hasSize(3);
    assertThat(authorizations.get("/api/datasets/openai/gsm8k/revision/main")).isEqualTo("Bearer " + TOKEN);

    assertThatThrownBy(() -> downloader(Optional.of(Secret.of("hf_wrong_secret_value"))).download(HubDataset.GSM8K, "main",
        HubDownloader.Progress.NONE))
        .isInstanceOf(HubDownloader.HubException.class)
        .hasMessageContaining("lacks access")
        .satisfies(problem -> assertThat(problem.getMessage()).doesNotContain("hf_wrong_secret_value"));
  }

  @Test
  void tokenComesFromHfHomeWhenNotConfigured() throws IOException {
    Path home = temp.resolve("hf-home");
    assertThat(HubDownloader.token(Optional.empty(), home)).isEmpty();
    Files.createDirectories(home);
    Files.writeString(home.resolve("token"), TOKEN + "\n");
    assertThat(HubDownloader.token(Optional.empty(), home)).contains(Secret.of(TOKEN));
    assertThat(HubDownloader.token(Optional.of(Secret.of("configured")), home)).contains(Secret.of("configured"));
  }

  @Test
  void anInterruptedTransferLeavesNothingThatLooksComplete() {
    truncate = true;
    assertThatThrownBy(() -> downloader(Optional.empty()).download(HubDataset.GSM8K, "main", HubDownloader.Progress.NONE))
        .isInstanceOf(HubDownloader.HubException.class).hasMessageContaining("incomplete");
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.empty(), temp.resolve("hf-home")));
    assertThat(store.files(HubDataset.GSM8K, "main", "train")).isEmpty();
  }

  @Test
  void unknownDatasetsAndUnreachableHubsAreClearErrors() throws IOException {
    assertThatThrownBy(() -> downloader(Optional.empty()).download(HubDataset.MBPP, "main", HubDownloader.Progress.NONE))
        .isInstanceOf(HubDownloader.HubException.class).hasMessageContaining("not found").hasMessageContaining("404");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HubDownloader nowhere = new HubDownloader(URI.create("http://127.0.0.1:" + closedPort), Optional.empty(),
        temp.resolve("hub"), Duration.ofSeconds(5));
    assertThatThrownBy(() -> nowhere.download(HubDataset.GSM8K, "main", HubDownloader.Progress.NONE))
        .isInstanceOf(HubDownloader.HubException.class).hasMessageContaining("cannot reach").hasMessageContaining("HF_ENDPOINT");
  }
}
