package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigurationTest {

  @TempDir Path directory;

  private static Path baseFile() {
    return Path.of(System.getProperty("quarry.project.dir", "."), "conf", ClusterConfiguration.FILE_NAME);
  }

  private static Config load(Optional<Path> operatorFile, NodeSettings node, Config topmost) {
    return ClusterConfiguration.load(baseFile(), operatorFile, node, topmost);
  }

  @Test
  void theShippedFileLoadsOverPekkoDefaults() {
    Config config = load(Optional.empty(), NodeSettings.none(), ConfigFactory.empty());
    assertThat(config.getString("quarry.actor-system-name")).isEqualTo("quarry");
    assertThat(config.getInt("quarry.management.port")).isEqualTo(9180);
    assertThat(config.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(config.getStringList("pekko.cluster.roles")).containsExactly("coordinator", "worker");
    assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method")).isEqualTo("kubernetes-api");
    // A Pekko default that quarry.conf does not set comes through from reference.conf.
    assertThat(config.getDuration("pekko.cluster.gossip-interval")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void layersOverrideInOrder() throws IOException {
    Path site = directory.resolve("site.conf");
    Files.writeString(site, "quarry.management.port = 9200\nquarry.management.host = \"10.0.0.5\"\npekko.cluster.roles = [worker]\n");
    NodeSettings environment = new NodeSettings(
        Optional.of(List.of("coordinator")), Optional.empty(), java.util.OptionalInt.empty(),
        Optional.of(List.of("10.0.0.1:25520")), Optional.empty(), java.util.OptionalInt.of(9300));
    Config topmost = ConfigFactory.parseMap(Map.of("quarry.management.host", "192.168.1.9"));

    Config config = load(Optional.of(site), environment, topmost);

    assertThat(config.getInt("quarry.management.port")).as("environment beats the site file").isEqualTo(9300);
    assertThat(config.getString("quarry.management.host")).as("system properties beat everything").isEqualTo("192.168.1.9");
    assertThat(config.getStringList("pekko.cluster.roles")).as("environment beats the site file").containsExactly("coordinator");
    assertThat(config.getStringList("pekko.cluster.seed-nodes")).containsExactly("pekko://quarry@10.0.0.1:25520");
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).as("untouched layers fall through").isEqualTo(25520);
  }

  @Test
  void seedNodesCarryACustomSystemName() throws IOException {
    Path site = directory.resolve("site.conf");
    Files.writeString(site, "quarry.actor-system-name = \"mine-81\"\n");
    NodeSettings environment = new NodeSettings(Optional.empty(), Optional.empty(), java.util.OptionalInt.empty(),
        Optional.of(List.of("node-a:25520")), Optional.empty(), java.util.OptionalInt.empty());
    assertThat(load(Optional.of(site), environment, ConfigFactory.empty()).getStringList("pekko.cluster.seed-nodes"))
        .containsExactly("pekko://mine-81@node-a:25520");
  }

  @Test
  void malformedHoconNamesTheFileAndLine() throws IOException {
    Path site = directory.resolve("broken.conf");
    Files.writeString(site, "quarry {\n  management {\n    port = 9200\n  }\n  oops = [1, 2\n}\n");
    assertThatThrownBy(() -> load(Optional.of(site), NodeSettings.none(), ConfigFactory.empty()))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("broken.conf line ");
  }

  @Test
  void aWronglyTypedSettingNamesTheFileLineAndPath() throws IOException {
    Path site = directory.resolve("typo.conf");
    Files.writeString(site, "# comment\nquarry.management.port = \"nine thousand\"\n");
    assertThatThrownBy(() -> load(Optional.of(site), NodeSettings.none(), ConfigFactory.empty()))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("typo.conf line 2 (quarry.management.port)");
  }

  @Test
  void missingFilesAreClearErrors() {
    assertThatThrownBy(() -> ClusterConfiguration.load(directory.resolve("none.conf"), Optional.empty(), NodeSettings.none(), ConfigFactory.empty()))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("none.conf")
        .hasMessageContaining("QUARRY_HOME");
    assertThatThrownBy(() -> load(Optional.of(directory.resolve("site.conf")), NodeSettings.none(), ConfigFactory.empty()))
        .hasMessageContaining("-Dconfig.file");
  }

  @Test
  void anActorSystemStartsOnItWithBothDispatchers() throws Exception {
    NodeSettings singleNode = new NodeSettings(Optional.empty(), Optional.empty(), java.util.OptionalInt.of(0),
        Optional.empty(), Optional.empty(), java.util.OptionalInt.of(0));
    Config config = load(Optional.empty(), singleNode, ConfigFactory.empty());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
    try {
      assertThat(system.name()).isEqualTo("quarry");
      Cluster cluster = Cluster.get(system);
      assertThat(cluster.selfMember().getRoles()).contains("coordinator", "worker");
      // With no seed nodes a node forms a cluster by joining itself (what the miner does).
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (cluster.selfMember().status() != MemberStatus.up() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
      for (String path : List.of("quarry.dispatchers.blocking-io", "quarry.dispatchers.model")) {
        CompletableFuture<String> ranOn = CompletableFuture.supplyAsync(
            () -> Thread.currentThread().getName(), system.dispatchers().lookup(DispatcherSelector.fromConfig(path)));
        assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith("quarry-" + path + "-");
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
