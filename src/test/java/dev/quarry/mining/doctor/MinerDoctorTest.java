package dev.quarry.mining.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.DrandClient;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import dev.quarry.chain.subtensor.SubtensorClient;
import dev.quarry.config.DeviceSettings;
import dev.quarry.config.PathSettings;
import dev.quarry.crypto.SecretUri;
import dev.quarry.mining.local.LocalNetwork;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry doctor}'s checks against the embedded pieces: what passes, and each failure with its fix. */
class MinerDoctorTest {

  @TempDir static Path directory;
  private static LocalNetwork network;
  private static int deadPort;

  @BeforeAll
  static void start() throws Exception {
    network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net")).manual());
    network.chain().advance(1).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
  }

  @AfterAll
  static void stop() {
    network.close();
  }

  private static MinerDoctor.Inputs inputs(dev.quarry.chain.Chain chain, dev.quarry.crypto.AccountId hotkey, ObjectStoreSettings bucket) {
    DrandClient deadRelay = DrandClient.create(new DrandClient.Settings(List.of(URI.create("http://127.0.0.1:" + deadPort)),
        Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(60)));
    DeviceSettings cpu = new DeviceSettings(DeviceSettings.DeviceSelection.of(List.of(DeviceSettings.Device.cpu())),
        DeviceSettings.DeviceSelection.of(List.of(DeviceSettings.Device.cpu())), 4096, 16, 0.9,
        new DeviceSettings.KernelEvaluation(false, List.of(), "persistent", Duration.ofSeconds(60)));
    PathSettings paths = new PathSettings(directory.resolve("data"), directory.resolve("cache"), directory.resolve("hf"));
    return new MinerDoctor.Inputs(network.netuid(), "the local chain", chain, Optional.of(hotkey), Optional.of(bucket),
        Optional.of(deadRelay), cpu, paths, Duration.ofSeconds(5));
  }

  private static MinerDoctor.Check check(List<MinerDoctor.Check> checks, String name) {
    return checks.stream().filter(check -> check.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + checks));
  }

  @Test
  void aWorkingSetupPassesWithTheDocumentedWarnings() {
    List<MinerDoctor.Check> checks = MinerDoctor.run(inputs(network.chain(), network.minerHotkey().accountId(), network.minerBucket()));
    for (String name : List.of("R2 write", "R2 read", "chain", "registration", "trainer", "devices")) {
      assertThat(check(checks, name).status()).as(name + ": " + check(checks, name)).isEqualTo(MinerDoctor.Status.OK);
    }
    assertThat(check(checks, "commitment").status()).isEqualTo(MinerDoctor.Status.WARN);
    assertThat(check(checks, "commitment").fix()).contains("quarry mine commits them");
    MinerDoctor.Check drand = check(checks, "drand");
    assertThat(drand.status()).isEqualTo(MinerDoctor.Status.WARN);
    assertThat(drand.fix()).contains("use_drand=false");
    assertThat(check(checks, "trainer").detail()).contains("checkpoint 0 is READY");
    assertThat(MinerDoctor.failed(checks)).isFalse();
  }

  @Test
  void aBucketThatDoesNotExistFailsWithTheFix() {
    ObjectStoreSettings missing = network.s3().settings("no-such-bucket");
    List<MinerDoctor.Check> checks = MinerDoctor.run(inputs(network.chain(), network.minerHotkey().accountId(), missing));
    MinerDoctor.Check write = check(checks, "R2 write");
    assertThat(write.status()).isEqualTo(MinerDoctor.Status.FAIL);
    assertThat(write.fix()).contains("create a bucket named 'no-such-bucket'");
    assertThat(MinerDoctor.failed(checks)).isTrue();
  }

  @Test
  void anUnregisteredHotkeyFailsWithTheFix() {
    List<MinerDoctor.Check> checks = MinerDoctor.run(inputs(network.chain(), SecretUri.dev("Bob").accountId(), network.minerBucket()));
    MinerDoctor.Check registration = check(checks, "registration");
    assertThat(registration.status()).isEqualTo(MinerDoctor.Status.FAIL);
    assertThat(registration.detail()).contains("is not registered on subnet 81");
    assertThat(registration.fix()).contains("btcli subnet register --netuid 81");
  }

  @Test
  void anUnreachableChainFailsWithTheFix() {
    try (SubtensorClient unreachable = SubtensorClient.connect(URI.create("ws://127.0.0.1:" + deadPort), SubtensorClient.Options.defaults()
        .withRpc(JsonRpcWebSocket.Options.defaults().withRequestTimeout(Duration.ofSeconds(2))))) {
      List<MinerDoctor.Check> checks = MinerDoctor.run(inputs(unreachable, network.minerHotkey().accountId(), network.minerBucket()));
      MinerDoctor.Check chain = check(checks, "chain");
      assertThat(chain.status()).isEqualTo(MinerDoctor.Status.FAIL);
      assertThat(chain.fix()).contains("BT_NETWORK / BT_CHAIN_ENDPOINT");
      assertThat(checks).noneMatch(check -> check.name().equals("registration"));
      assertThat(check(checks, "R2 write").status()).isEqualTo(MinerDoctor.Status.OK);
    }
  }
}
