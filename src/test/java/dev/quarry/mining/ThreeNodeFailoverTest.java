package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.mining.local.LocalNetwork;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on loopback (three actor systems in one JVM, real Artery remoting), sharing the local
 * chain and S3 server. Mid-window a worker node dies, then the node running the coordinator
 * singleton; the surviving node takes the singleton over, recovers the window from what it holds and
 * uploads before the deadline. Nodes "die" by terminating their actor system without leaving the
 * cluster, and are then downed at once, as an operator or the split-brain resolver would (the
 * resolver waits 20 s for stability, longer than this test's window).
 */
class ThreeNodeFailoverTest {

  private static final String FAST_CLUSTER = String.join("\n",
      "pekko.cluster.failure-detector.heartbeat-interval = 300ms",
      "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 3s",
      "pekko.cluster.gossip-interval = 200ms",
      "pekko.cluster.leader-actions-interval = 200ms",
      "pekko.cluster.unreachable-nodes-reaper-interval = 200ms",
      "pekko.cluster.singleton.hand-over-retry-interval = 200ms",
      "pekko.cluster.singleton-proxy.singleton-identification-interval = 200ms",
      "pekko.cluster.downing-provider-class = \"\"",
      "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
      "pekko.cluster.run-coordinated-shutdown-when-down = off");

  @TempDir Path directory;

  @Test
  void theWindowSurvivesLosingAWorkerAndThenTheCoordinatorsNode() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    ActorSystem<Void> systemA = MiningCluster.system(null, FAST_CLUSTER);
    ActorSystem<Void> systemB = MiningCluster.system(Cluster.get(systemA).selfMember().address(), FAST_CLUSTER);
    ActorSystem<Void> systemC = MiningCluster.system(Cluster.get(systemA).selfMember().address(), FAST_CLUSTER);
    MiningCluster.waitUntil(Duration.ofSeconds(30), () -> upMembers(systemA) == 3);
    MiningCluster.Recorder events = new MiningCluster.Recorder();
    WindowBeaconSource noDrand = new WindowBeaconSource(null, false);
    try (LocalNetwork network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net"))
        .withBlockTime(Duration.ofMillis(1000)))) {
      MiningCluster.Node a = MiningCluster.miner("node-a", systemA, network, directory.resolve("a"), noDrand, events);
      MiningCluster.Node b = MiningCluster.miner("node-b", systemB, network, directory.resolve("b"), noDrand, events);
      MiningCluster.Node c = MiningCluster.miner("node-c", systemC, network, directory.resolve("c"), noDrand, events);
      // The singleton runs on the oldest node, A. Once B and C have each finished a group of a window that is still being
      // mined, kill C (a worker only). On a slow machine that may first happen in a later window.
      long candidate = 30;
      while (true) {
        long current = candidate;
        MiningCluster.waitUntil(Duration.ofSeconds(60), () -> (finishedBy(events, b, current) >= 1 && finishedBy(events, c, current) >= 1)
            || events.windows.stream().anyMatch(report -> report.windowStart() == current));
        if (events.windows.stream().noneMatch(report -> report.windowStart() == current)) {
          break;
        }
        candidate += 30;
      }
      long window = candidate;
      kill(c, b);
      int bBeforeSecondKill = finishedBy(events, b, window);
      Thread.sleep(1000);
      assertThat(events.windows).as("window %d is still open when the coordinator's node dies", window)
          .noneMatch(report -> report.windowStart() == window);
      Instant killedCoordinator = Instant.now();
      kill(a, b);

      MiningCluster.waitUntil(Duration.ofSeconds(40), () -> events.windows.stream().anyMatch(report -> report.windowStart() == window));
      WindowReport report = events.windows.stream().filter(r -> r.windowStart() == window).findFirst().orElseThrow();
      assertThat(report.outcome()).isEqualTo(WindowReport.Outcome.UPLOADED);
      // The local chain's timestamps are genesis + number × block time, so timestamp(W + 30) is known before the block exists.
      Instant deadline = network.chain().blockTimestamp(window).toCompletableFuture().get(30, TimeUnit.SECONDS)
          .plus(network.settings().blockTime().multipliedBy(30)).minusSeconds(4);
      assertThat(report.storedAt()).as("stored before timestamp(W+30) - 4 s").isBefore(deadline.plusMillis(1));
      assertThat(report.storedAt()).isAfter(killedCoordinator.minusSeconds(1));

      Path stored = network.objectRoot().resolve(LocalNetwork.MINER_BUCKET).resolve(report.objectKey());
      WindowFile file = WindowFileReader.read(Files.readAllBytes(stored));
      Set<Long> nonces = new HashSet<>();
      Set<Long> groupsInFile = new HashSet<>();
      for (RolloutRow row : file.rows()) {
        assertThat(nonces.add(row.nonce())).as("nonce %d appears once", row.nonce()).isTrue();
        groupsInFile.add(row.rolloutGroup());
      }
      // Every group the survivor finished (half a second before the upload began, for the message to arrive) is in the file,
      // including those the dead coordinator had collected: the new one collected them again from B's ledger.
      List<Long> finishedOnSurvivor = events.finishedAt.stream()
          .filter(done -> done.node().equals(b.miner().node()) && done.windowStart() == window)
          .filter(done -> done.at().isBefore(report.uploadStartedAt().minusMillis(500)))
          .map(MiningCluster.Finished::problemIndex).toList();
      assertThat(finishedOnSurvivor).hasSizeGreaterThanOrEqualTo(bBeforeSecondKill + 1);
      assertThat(groupsInFile).containsAll(finishedOnSurvivor);
      System.out.println("window " + window + ": " + report + "; survivor finished " + finishedOnSurvivor + ", file holds "
          + groupsInFile);
      MiningCluster.stop(b);
    } finally {
      for (ActorSystem<Void> system : List.of(systemA, systemB, systemC)) {
        system.terminate();
      }
    }
  }

  private static int upMembers(ActorSystem<Void> system) {
    int up = 0;
    for (org.apache.pekko.cluster.Member member : Cluster.get(system).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static int finishedBy(MiningCluster.Recorder events, MiningCluster.Node node, long window) {
    String prefix = node.miner().node() + "|" + window + "|";
    return (int) events.finished.stream().filter(entry -> entry.startsWith(prefix)).count();
  }

  /** Terminates the node's system without leaving the cluster (a crash), then downs it from a survivor. */
  private static void kill(MiningCluster.Node victim, MiningCluster.Node survivor) throws Exception {
    org.apache.pekko.actor.Address address = victim.address();
    victim.system().terminate();
    victim.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Cluster.get(survivor.system()).manager().tell(new Down(address));
  }
}
