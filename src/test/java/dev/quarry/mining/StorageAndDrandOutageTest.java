package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.DrandClient;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.mining.local.LocalNetwork;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.storage.window.WindowFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a miner meets: the bucket's S3 endpoint goes down for a whole window, and drand is
 * unreachable throughout. The window whose upload cannot land is reported (its file stays in the
 * spool) and the next window is mined and uploaded as usual; without drand every window mines with
 * the block hash alone ({@code use_drand=false}, a plain-hex beacon), as docs/drand.md describes.
 */
class StorageAndDrandOutageTest {

  @TempDir Path directory;

  @Test
  void aWindowLostToAStorageOutageIsReportedAndTheNextOneUploads() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    WindowBeaconSource drandDown = new WindowBeaconSource(DrandClient.create(new DrandClient.Settings(
        List.of(URI.create("http://127.0.0.1:" + deadPort)), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(60))), true);
    MiningCluster.Recorder events = new MiningCluster.Recorder();
    ActorSystem<Void> system = MiningCluster.system(null, "");
    try (LocalNetwork network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net")))) {
      MiningCluster.Node node = MiningCluster.miner("node-1", system, network, directory.resolve("node"), drandDown, events);
      // Window 30: the bucket goes away once the window is planned and the trainer has published, until the window is over.
      MiningCluster.waitUntil(Duration.ofSeconds(30), () -> !events.finished.isEmpty() && network.chain().headNumber() >= 34);
      network.stopStorage();
      MiningCluster.waitUntil(Duration.ofSeconds(40), () -> events.windows.stream().anyMatch(report -> report.windowStart() == 30));
      network.startStorage();
      MiningCluster.waitUntil(Duration.ofSeconds(40), () -> events.windows.stream().anyMatch(report -> report.windowStart() == 60));

      WindowReport lost = report(events, 30);
      assertThat(lost.outcome()).isEqualTo(WindowReport.Outcome.UPLOAD_FAILED);
      assertThat(lost.detail()).contains("upload failed");
      assertThat(lost.groups()).isPositive();
      String hotkey = network.minerHotkey().ss58Address();
      Path spooled = directory.resolve("node").resolve("spool").resolve(WindowFiles.key(hotkey, 30));
      assertThat(spooled).as("the window's file stays in the spool").exists();
      assertThat(network.objectRoot().resolve(LocalNetwork.MINER_BUCKET).resolve(WindowFiles.key(hotkey, 30))).doesNotExist();

      WindowReport next = report(events, 60);
      assertThat(next.outcome()).isEqualTo(WindowReport.Outcome.UPLOADED);
      WindowFile file = WindowFileReader.read(Files.readAllBytes(network.objectRoot().resolve(LocalNetwork.MINER_BUCKET)
          .resolve(next.objectKey())));
      BlockHash hash = BlockHash.parse(network.chain().blockHash(60).toCompletableFuture().get(10, TimeUnit.SECONDS));
      for (RolloutRow row : file.rows()) {
        assertThat(row.useDrand()).isFalse();
        assertThat(row.randomness()).isEqualTo(hash.hexDigits());
        assertThat(row.commit().beaconJson()).isEqualTo("{\"randomness\": \"" + hash.hexDigits() + "\"}");
      }
      assertThat(events.plans).allSatisfy(plan -> {
        assertThat(plan.useDrand()).isFalse();
        assertThat(plan.drandNote()).startsWith("UNAVAILABLE");
      });
      String scrape = node.metrics().scrape();
      assertThat(scrape).containsPattern("quarry_uploads_total\\{(?=[^}]*outcome=\"failure\")[^}]*} [1-9]");
      assertThat(scrape).containsPattern("quarry_windows_total\\{(?=[^}]*outcome=\"missed_deadline\")[^}]*} 1\\.0");
      assertThat(scrape).containsPattern("quarry_drand_beacons_total\\{(?=[^}]*outcome=\"unavailable\")[^}]*} [1-9]");
      MiningCluster.stop(node);
    } finally {
      system.terminate();
    }
  }

  private static WindowReport report(MiningCluster.Recorder events, long window) {
    return events.windows.stream().filter(report -> report.windowStart() == window).findFirst().orElseThrow();
  }
}
