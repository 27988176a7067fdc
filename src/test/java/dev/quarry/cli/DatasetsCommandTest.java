package dev.quarry.cli;

import static dev.quarry.cli.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry datasets list|download} against the fixture datasets and a loopback hub. */
class DatasetsCommandTest {

  @TempDir Path directory;

  private static Path fixtures() throws URISyntaxException {
    return Path.of(DatasetsCommandTest.class.getResource("/datasets/hf").toURI());
  }

  private Path envFile() throws IOException {
    Path file = directory.resolve("quarry.env");
    Files.writeString(file, "HF_HOME=" + directory.resolve("hf") + "\n");
    return file;
  }

  @Test
  void listShowsWhatIsPresentAndHowToGetTheRest() throws Exception {
    CommandRun list = run("datasets", "list", "--env-file", envFile().toString(), "--dataset-dir", fixtures().toString());
    assertThat(list.exitCode()).as(list.err()).isZero();
    JsonNode datasets = list.json().get("datasets");
    assertThat(datasets).hasSize(5);
    JsonNode mbpp = datasets.get(2);
    assertThat(mbpp.get("repository").asText()).isEqualTo("google-research-datasets/mbpp");
    assertThat(mbpp.get("complete").asBoolean()).isTrue();
    JsonNode math = datasets.get(1);
    assertThat(math.get("complete").asBoolean()).isFalse();
    assertThat(math.get("how_to_get").asText()).isEqualTo("quarry datasets download math");
    JsonNode kernels = datasets.get(4);
    assertThat(kernels.get("complete").asBoolean()).isTrue(); // level_4 is optional
    assertThat(run("datasets", "list", "nonsense", "--env-file", envFile().toString()).exitCode()).isEqualTo(2);
  }

  @Test
  void downloadFetchesIntoTheHuggingFaceCache() throws Exception {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    byte[] train = Files.readAllBytes(fixtures().resolve("openai/openai_humaneval/openai_humaneval/test-00000-of-00001.parquet"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      byte[] body;
      int status = 200;
      if (path.equals("/api/datasets/openai/openai_humaneval/revision/main")) {
        body = ("{\"sha\":\"" + commit + "\",\"siblings\":[{\"rfilename\":\"openai_humaneval/test-00000-of-00001.parquet\"}]}")
            .getBytes(StandardCharsets.UTF_8);
      } else if (path.equals("/datasets/openai/openai_humaneval/resolve/" + commit + "/openai_humaneval/test-00000-of-00001.parquet")) {
        body = train;
      } else {
        status = 404;
        body = "{}".getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      CommandRun download = run("datasets", "download", "humaneval", "--env-file", envFile().toString(), "--endpoint", endpoint);
      assertThat(download.exitCode()).as(download.err()).isZero();
      assertThat(download.json().get("datasets").get(0).get("downloaded")).hasSize(1);
      assertThat(download.err()).contains("openai_humaneval/test-00000-of-00001.parquet");
      CommandRun list = run("datasets", "list", "humaneval", "--env-file", envFile().toString());
      assertThat(list.json().get("datasets").get(0).get("complete").asBoolean()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableHubIsAUserError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    CommandRun download = run("datasets", "download", "gsm8k", "--env-file", envFile().toString(), "--endpoint", "http://127.0.0.1:" + port,
        "--timeout", "5");
    assertThat(download.exitCode()).isEqualTo(2);
    assertThat(download.err()).contains("cannot reach").contains("HF_ENDPOINT");
  }
}
