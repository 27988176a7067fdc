package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.mining.local.LocalNetwork;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleNodeMiningTest {

  @TempDir Path directory;

  @Test
  void minesTwoWindows() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    MiningCluster.Recorder events = new MiningCluster.Recorder();
    org.apache.pekko.actor.typed.ActorSystem<Void> system = MiningCluster.system(null, "");
    try (LocalNetwork network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net")))) {
      MiningCluster.Node node = MiningCluster.miner("node-1", system, network, directory.resolve("node-1"),
          new WindowBeaconSource(null, false), events);
      try {
        MiningCluster.waitUntil(Duration.ofSeconds(90), () -> events.windows.size() >= 2);
      } finally {
        MiningCluster.stop(node);
      }
      events.windows.forEach(System.out::println);
      System.out.println(events.finished);
      System.out.println(events.dropped);
      assertThat(events.windows).allMatch(WindowReport::stored);
    }
  }
}
