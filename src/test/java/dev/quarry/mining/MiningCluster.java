package dev.quarry.mining;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.NodeSettings;
import dev.quarry.http.Metrics;
import dev.quarry.mining.local.LocalNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Cluster nodes of the local network for tests: real actor systems, Artery on loopback ports. */
final class MiningCluster {

  /** Events from every node, in arrival order. */
  static final class Recorder implements MiningEvents {
    final List<WindowReport> windows = new CopyOnWriteArrayList<>();
    final List<String> finished = new CopyOnWriteArrayList<>();
    final List<Finished> finishedAt = new CopyOnWriteArrayList<>();
    final List<String> dropped = new CopyOnWriteArrayList<>();
    final List<WindowPlan> plans = new CopyOnWriteArrayList<>();

    @Override
    public void windowOpened(String node, WindowPlan plan) {
      plans.add(plan);
    }

    @Override
    public void groupFinished(String node, long windowStart, long problemIndex) {
      finished.add(node + "|" + windowStart + "|" + problemIndex);
      finishedAt.add(new Finished(node, windowStart, problemIndex, java.time.Instant.now()));
    }

    @Override
    public void groupDropped(String node, long windowStart, long problemIndex, String reason) {
      dropped.add(node + "|" + windowStart + "|" + problemIndex + "|" + reason);
    }

    @Override
    public void windowFinished(WindowReport report) {
      windows.add(report);
    }
  }

  /** A group a node finished, and when. */
  record Finished(String node, long windowStart, long problemIndex, java.time.Instant at) {}

  /** One node: its actor system, its miner and its metrics. */
  record Node(String name, ActorSystem<Void> system, MiningNode miner, Metrics metrics) {
    Address address() {
      return Cluster.get(system).selfMember().address();
    }
  }

  private MiningCluster() {}

  static Config config(String extra) {
    NodeSettings node = new NodeSettings(Optional.of(List.of("coordinator", "worker")), Optional.of("127.0.0.1"), OptionalInt.of(0),
        Optional.empty(), Optional.of("127.0.0.1"), OptionalInt.of(0));
    Path base = Path.of(System.getProperty("quarry.project.dir", "."), "conf", ClusterConfiguration.FILE_NAME);
    return ClusterConfiguration.load(base, Optional.empty(), node, ConfigFactory.parseString(
        "pekko.loglevel = INFO\n"
            + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
            + extra));
  }

  /** Starts an actor system and joins {@code seed} (itself when null), waiting until it is Up. */
  static ActorSystem<Void> system(Address seed, String extraConfig) throws Exception {
    Config config = config(extraConfig);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(seed == null ? cluster.selfMember().address() : seed));
    waitUntil(Duration.ofSeconds(30), () -> cluster.selfMember().status() == MemberStatus.up());
    return system;
  }

  /** Starts the miner on a system of the local network. */
  static Node miner(String name, ActorSystem<Void> system, LocalNetwork network, Path directory, WindowBeaconSource drand,
      MiningEvents events) {
    Metrics metrics = Metrics.create(name, "test");
    MinerSetup setup = network.minerSetup(directory, metrics, drand, DevicePlan.cpu(4096, 16), events);
    return new Node(name, system, MiningNode.start(system, setup), metrics);
  }

  static void waitUntil(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  static void stop(Node node) throws Exception {
    node.system().terminate();
    node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
