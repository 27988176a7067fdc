package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.NodeSettings;
import dev.quarry.http.ManagementServer;
import dev.quarry.http.Metrics;
import dev.quarry.http.MinerStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node configured like a Quarry node (conf/quarry.conf, Artery on loopback) with the roles
 * {@code coordinator} and {@code god}: the node bootstrap sees the role, starts the endpoint in the
 * node's own actor system, and the node's management endpoint serves {@code /health} and
 * {@code /metrics} with the G.O.D figures in them.
 */
class GodClusterRoleTest {

  @TempDir Path data;

  @Test
  void theGodRoleRunsInTheNodesActorSystemAndSharesHealthAndMetrics() throws Exception {
    NodeSettings node = new NodeSettings(Optional.of(List.of("coordinator", "god")), Optional.of("127.0.0.1"), OptionalInt.of(0),
        Optional.empty(), Optional.of("127.0.0.1"), OptionalInt.of(0));
    Path base = Path.of(System.getProperty("quarry.project.dir", "."), "conf", ClusterConfiguration.FILE_NAME);
    Config config = ClusterConfiguration.load(base, Optional.empty(), node, ConfigFactory.parseString("pekko.loglevel = WARNING"));
    assertThat(GodMinerService.assigned(config)).isTrue();
    assertThat(GodMinerService.assigned(ClusterConfiguration.load(base, Optional.empty(), NodeSettings.none(), ConfigFactory.empty())))
        .as("the default roles do not include god").isFalse();

    LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
    try {
      chain.register(56, GodMinerServiceTest.MINER.accountId(), GodMinerServiceTest.MINER.accountId(), 0).toCompletableFuture().get();
      chain.register(56, GodMinerServiceTest.VALIDATOR.accountId(), GodMinerServiceTest.VALIDATOR.accountId(), 5_000 * GodMinerServiceTest.TAO, true)
          .toCompletableFuture().get();
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      GodMinerServiceTest.waitUntil(() -> cluster.selfMember().status() == MemberStatus.up());
      assertThat(cluster.selfMember().hasRole(GodMinerService.ROLE)).isTrue();

      // What the node bootstrap does: one Metrics for the node, the management endpoint, then the role's services.
      Metrics metrics = Metrics.create("node-1", "test");
      GodMinerService god = GodMinerService.start(system, GodMinerServiceTest.settings(data), GodMinerServiceTest.MINER.accountId(),
          chain, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
      ManagementServer management = ManagementServer.start(system, ManagementServer.Settings.fromConfig(config),
          () -> MinerStatus.starting("test", 81, Instant.now()), god::readiness, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
      GodMinerServiceTest.waitUntil(() -> god.readiness().ready());

      assertThat(GodMinerServiceTest.get(god, "/training_repo/text", GodMinerServiceTest.signedBy(GodMinerServiceTest.VALIDATOR))
          .statusCode()).isEqualTo(200);
      HttpClient http = HttpClient.newHttpClient();
      String managementBase = "http://127.0.0.1:" + management.address().getPort();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(managementBase + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(managementBase + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("metagraph of 2 hotkeys");
      String scrape = http.send(HttpRequest.newBuilder(URI.create(managementBase + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape).containsPattern("quarry_god_requests_total\\{(?=[^}]*node=\"node-1\")(?=[^}]*outcome=\"served\")[^}]*} 1\\.0");
      assertThat(scrape).containsPattern("quarry_god_validators\\{node=\"node-1\"} 1\\.0");
      assertThat(scrape).contains("quarry_god_metagraph_synced_timestamp_seconds");
      assertThat(scrape).containsPattern("quarry_god_nonces\\{node=\"node-1\"} 1\\.0");
      god.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      management.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      chain.close();
    }
  }
}
