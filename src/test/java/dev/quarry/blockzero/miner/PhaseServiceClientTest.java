package dev.quarry.blockzero.miner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.blockzero.Fixtures;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.local.LocalPhaseService;
import dev.quarry.chain.local.LocalChain;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;

/** The phase-service client reads the local phase service exactly, and says what went wrong when it cannot. */
class PhaseServiceClientTest {

  @Test
  void readsTheServiceAndReportsOutages() throws Exception {
    ActorSystem<Void> system = Fixtures.system("blockzero-phase-client-test");
    PhaseSchedule schedule = PhaseSchedule.blockZero(6, 10, 5, 10, 18, 35);
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual())) {
      chain.advance(123).toCompletableFuture().get(10, TimeUnit.SECONDS);
      LocalPhaseService service = LocalPhaseService.start(system, chain, schedule, "127.0.0.1", 0).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      PhaseServiceClient client = new PhaseServiceClient(service.url(), HttpClient.newHttpClient());
      PhaseInfo phase = client.phase().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(phase).isEqualTo(schedule.phaseAt(123));
      assertThat(client.upcoming().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(schedule.upcoming(123));
      assertThat(client.previous().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(schedule.previous(123));
      // A base URL with a path keeps it (the reference appends paths to owner_url).
      PhaseServiceClient prefixed = new PhaseServiceClient(URI.create(service.url() + "/prefix"), HttpClient.newHttpClient());
      assertThatThrownBy(() -> prefixed.phase().toCompletableFuture().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(BlockZeroHttpException.class).hasMessageContaining("/prefix/get_phase").hasMessageContaining("404");
      service.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      PhaseServiceClient down = new PhaseServiceClient(URI.create("http://127.0.0.1:" + closedPort), HttpClient.newHttpClient());
      assertThatThrownBy(() -> down.phase().toCompletableFuture().get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(BlockZeroHttpException.class).hasMessageContaining("did not answer");
    } finally {
      system.terminate();
    }
  }
}
