package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import dev.quarry.chain.subtensor.SubtensorClient;
import dev.quarry.http.Metrics;
import dev.quarry.mining.local.LocalNetwork;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator follows a real {@link SubtensorClient} connected to a scripted node over a
 * WebSocket. Mid-window the node drops every connection and refuses service for a few blocks: the
 * client reconnects, re-subscribes and fills the missed heads, and the miner uploads that window and
 * the next one.
 */
class ChainSocketDropTest {

  @TempDir Path directory;

  @Test
  void theMinerRidesOutADroppedChainConnection() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    MiningCluster.Recorder events = new MiningCluster.Recorder();
    ActorSystem<Void> system = MiningCluster.system(null, "");
    // The local network provides the buckets and the trainer's checkpoint 0; its own chain stays idle.
    try (LocalNetwork network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net")).manual());
        ScriptedSubtensor node = new ScriptedSubtensor(29, Duration.ofMillis(500), network.netuid(),
            network.minerHotkey().accountId());
        SubtensorClient client = SubtensorClient.connect(node.uri(), SubtensorClient.Options.defaults()
            .withRpc(JsonRpcWebSocket.Options.defaults().withRequestTimeout(Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))))) {
      Metrics metrics = Metrics.create("node-1", "test");
      MinerSetup setup = network.minerSetup(directory.resolve("node"), metrics, new WindowBeaconSource(null, false),
          DevicePlan.cpu(4096, 16), events).withChain(client, TrainerBucket.fixed(network.s3().settings(LocalNetwork.TRAINER_BUCKET)),
          false);
      MiningNode.start(system, setup);
      MiningCluster.waitUntil(Duration.ofSeconds(30), () -> !events.finished.isEmpty());
      long droppedAt = node.head();
      node.outage();
      Thread.sleep(2_000);
      node.recover();
      MiningCluster.waitUntil(Duration.ofSeconds(40), () -> events.windows.stream().anyMatch(report -> report.windowStart() == 60));

      assertThat(droppedAt).isBetween(30L, 59L);
      assertThat(node.server().connectionCount()).as("the client reconnected").isGreaterThanOrEqualTo(2);
      assertThat(node.server().requests().stream().filter("chain_subscribeNewHeads"::equals).count())
          .as("heads re-subscribed after the drop").isGreaterThanOrEqualTo(2);
      assertThat(events.windows.stream().filter(report -> report.windowStart() == 30 || report.windowStart() == 60))
          .hasSize(2).allMatch(report -> report.outcome() == WindowReport.Outcome.UPLOADED);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
