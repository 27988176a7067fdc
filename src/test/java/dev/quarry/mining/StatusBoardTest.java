package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.quarry.config.DeviceSettings;
import dev.quarry.http.ManagementServer;
import dev.quarry.http.Metrics;
import dev.quarry.http.MinerPhase;
import dev.quarry.http.MinerStatus;
import dev.quarry.model.DeviceSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** What operators see of a node: /status and /ready from the status board, and the device plan. */
class StatusBoardTest {

  static MinerStatus generating(Map<String, Integer> dropped) {
    return new MinerStatus(Instant.parse("2026-11-22T10:15:30Z"), "0.1.0", "5Grw", 81, MinerPhase.GENERATING, 60L, 30L, 70L, 9,
        5, 4, 64, 2560, 850.4, new MinerStatus.DrandStatus(false, null, "UNAVAILABLE: relays down"),
        List.of(new MinerStatus.NodeLoad("pekko://quarry@127.0.0.1:25521", List.of("coordinator", "worker"), true, 850.4,
            List.of(new MinerStatus.DeviceLoad("cpu", 0.9, -1, -1, 850.4, 16)))),
        new MinerStatus.UploadStatus(30, "grail/windows/5Grw-window-30.parquet", 38194, 64, Instant.parse("2026-11-22T10:15:00Z"),
            35, true, null), null, dropped);
  }

  @Test
  void readinessFollowsTheCoordinatorsSnapshotAndTheNodesOwnState() {
    StatusBoard board = new StatusBoard("0.1.0", 81, "5Grw");
    assertThat(board.readiness().ready()).isFalse();
    assertThat(board.readiness().reason()).isEqualTo("waiting for the mining coordinator");
    MinerStatus waiting = generating(Map.of());
    board.update(new MinerStatus(waiting.time(), "0.1.0", "5Grw", 81, MinerPhase.WAITING_FOR_WINDOW, null, null, 29L, null, 0, 0, 0, 0,
        0, null, List.of(), null, null, Map.of()));
    assertThat(board.readiness().reason()).isEqualTo("waiting for the first checkpoint");
    board.update(generating(Map.of()));
    assertThat(board.readiness().ready()).isTrue();
    board.nodeIdle("this node cannot serve the window's environment: no dataset openai/gsm8k");
    assertThat(board.readiness().ready()).isFalse();
    assertThat(board.readiness().reason()).contains("gsm8k");
  }

  @Test
  void statusAndReadyAreServedFromTheBoard() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "status-board-test",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    try {
      StatusBoard board = new StatusBoard("0.1.0", 81, "5Grw");
      board.update(generating(Map.of("deadline", 1, "short_completion", 2)));
      ManagementServer server = ManagementServer.start(system, new ManagementServer.Settings("127.0.0.1", 0), board, board::readiness,
          Metrics.create("node-a", "0.1.0")).toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.address().getPort();
      JsonNode status = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(status.path("droppedGroups").path("short_completion").asInt()).isEqualTo(2);
      assertThat(status.path("nodes").get(0).path("devices").get(0).path("device").asText()).isEqualTo("cpu");
      assertThat(status.path("drand").path("reason").asText()).startsWith("UNAVAILABLE");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("mining window 60 with checkpoint 30");
      server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      system.terminate();
    }
  }

  @Test
  void explicitDevicesBecomeTheDevicePlanWithoutAskingLibtorch() {
    DeviceSettings settings = new DeviceSettings(
        DeviceSettings.DeviceSelection.of(List.of(DeviceSettings.Device.gpu(0), DeviceSettings.Device.gpu(1))),
        DeviceSettings.DeviceSelection.of(List.of(DeviceSettings.Device.gpu(2))), 12288, 64, 0.9,
        new DeviceSettings.KernelEvaluation(false, List.of(), "persistent", Duration.ofSeconds(60)));
    DevicePlan plan = DevicePlan.resolve(settings);
    assertThat(plan.generation()).containsExactly(DeviceSpec.cuda(0), DeviceSpec.cuda(1));
    assertThat(plan.proof()).isEqualTo(DeviceSpec.cuda(2));
    assertThat(plan.devices()).containsExactly(DeviceSpec.cuda(0), DeviceSpec.cuda(1), DeviceSpec.cuda(2));
    assertThat(plan.maxBatchSequences()).isEqualTo(64);
    DevicePlan shared = DevicePlan.cpu(4096, 16);
    assertThat(shared.devices()).as("one model when one device generates and proves").containsExactly(DeviceSpec.cpu());
  }
}
