package dev.quarry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP on loopback, port 0. */
class ManagementServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;
  private static ManagementServer server;
  private static final AtomicReference<Readiness> READINESS = new AtomicReference<>(Readiness.notReady("waiting for the first checkpoint"));
  private static final AtomicReference<MinerStatus> STATUS = new AtomicReference<>();
  private static final Metrics METRICS = Metrics.create("node-a", "0.1.0");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "management-test",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    STATUS.set(sampleStatus());
    server = ManagementServer.start(system, new ManagementServer.Settings("127.0.0.1", 0), () -> {
          MinerStatus status = STATUS.get();
          if (status == null) {
            throw new IllegalStateException("no status yet");
          }
          return status;
        }, READINESS::get, METRICS)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static MinerStatus sampleStatus() {
    return new MinerStatus(
        Instant.parse("2026-11-22T10:15:30Z"), "0.1.0", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 81,
        MinerPhase.GENERATING, 6_522_030L, 6_522_000L, 6_522_041L, 16, 12, 11, 176, 91_000L, 845.5,
        new MinerStatus.DrandStatus(true, 30_663_002L, null),
        List.of(new MinerStatus.NodeLoad("quarry@10.0.0.2:25520", List.of("worker"), true, 845.5,
            List.of(new MinerStatus.DeviceLoad("gpu:0", 0.97, 70_000_000_000L, 80_000_000_000L, 845.5, 48)))),
        new MinerStatus.UploadStatus(6_522_000L, "grail/windows/5Grw-window-6522000.parquet", 4_200_000L, 160,
            Instant.parse("2026-11-22T10:09:02Z"), 3_100L, true, null),
        null);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsAlwaysUp() throws Exception {
    HttpResponse<String> response = get("/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("alive");
  }

  @Test
  void readinessFollowsTheCheck() throws Exception {
    READINESS.set(Readiness.notReady("waiting for the first checkpoint"));
    HttpResponse<String> waiting = get("/ready");
    assertThat(waiting.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(waiting.body()).get("reason").asText()).isEqualTo("waiting for the first checkpoint");

    READINESS.set(Readiness.ready("mining window 6522030"));
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
  }

  @Test
  void statusIsTheSourcesJson() throws Exception {
    STATUS.set(sampleStatus());
    HttpResponse<String> response = get("/status");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode status = JSON.readTree(response.body());
    assertThat(status.get("time").asText()).isEqualTo("2026-11-22T10:15:30Z");
    assertThat(status.get("phase").asText()).isEqualTo("GENERATING");
    assertThat(status.get("windowStart").asLong()).isEqualTo(6_522_030L);
    assertThat(status.get("blocksLeft").asInt()).isEqualTo(16);
    assertThat(status.get("problems").asInt()).isEqualTo(12);
    assertThat(status.get("groups").asInt()).isEqualTo(11);
    assertThat(status.get("rollouts").asInt()).isEqualTo(176);
    assertThat(status.get("tokensPerSecond").asDouble()).isEqualTo(845.5);
    assertThat(status.get("drand").get("round").asLong()).isEqualTo(30_663_002L);
    assertThat(status.get("nodes").get(0).get("devices").get(0).get("device").asText()).isEqualTo("gpu:0");
    assertThat(status.get("lastUpload").get("finishedAt").asText()).isEqualTo("2026-11-22T10:09:02Z");
    assertThat(status.get("lastError").isNull()).isTrue();
  }

  @Test
  void aFailingStatusSourceIsA500WithoutDetails() throws Exception {
    STATUS.set(null);
    try {
      HttpResponse<String> response = get("/status");
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).contains("IllegalStateException").doesNotContain("no status yet");
    } finally {
      STATUS.set(sampleStatus());
    }
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    METRICS.rolloutsGenerated("gpu:0", 16, 4_000);
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type.replace(" ", "")).startsWith("text/plain").contains("version=0.0.4").contains("charset=UTF-8"));
    assertThat(PrometheusText.parse(response.body())).containsKey("quarry_rollouts_total{device=\"gpu:0\",node=\"node-a\"}");
  }

  @Test
  void otherPathsAndMethodsAreRejected() throws Exception {
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/health");
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void settingsComeFromTheQuarrySection() {
    ManagementServer.Settings settings = ManagementServer.Settings.fromConfig(
        ConfigFactory.parseString("quarry.management { host = \"0.0.0.0\", port = 9181 }"));
    assertThat(settings).isEqualTo(new ManagementServer.Settings("0.0.0.0", 9181));
  }
}
