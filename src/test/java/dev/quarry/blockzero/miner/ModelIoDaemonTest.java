package dev.quarry.blockzero.miner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.ChainRecord;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.Fixtures;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseName;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.TinyBlockZero;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.checkpoints.StoredCheckpoint;
import dev.quarry.blockzero.local.LocalNetwork;
import dev.quarry.blockzero.local.TestValidator;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.http.Metrics;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-io daemon against a local subnet whose blocks come on a 200 ms timer: phase
 * transitions from the local phase service drive a full cycle (signed hash in MinerCommit1,
 * record in MinerCommit2, an upload the test validator accepts in Submission) and the next
 * Distribute's verified download of the validator's version; a graceful stop saves the state.
 */
class ModelIoDaemonTest {

  private static final int NETUID = 11;
  /** 2 + 3 + 3 + 3 + 4 + 1 + 1 + 3 + 3 = 23 blocks of 200 ms. */
  private static final PhaseSchedule SCHEDULE = PhaseSchedule.blockZero(2, 3, 3, 4, 1, 1);

  @Test
  void followsThePhasesThroughACycleAndStopsGracefully(@TempDir Path root) throws Exception {
    Keypair miner = SecretUri.dev("Alice");
    ActorSystem<Void> system = Fixtures.system("blockzero-model-io-test");
    Path validatorModel = Files.createDirectories(root.resolve("validator/globalver_3"));
    Fixtures.randomGroupFile(validatorModel, 7);
    BlockZeroSettings base = TinyBlockZero.settings(root).withNetuid(NETUID).withBlockTime(Duration.ofMillis(200));
    CheckpointStore store = new CheckpointStore(root, "miner", "default", base.run(), 0, 2);
    // What the trainer would have written: version 0, inner step 40.
    StoredCheckpoint own = store.writeOwn(CheckpointName.own(0, 40), directory -> Fixtures.randomGroupFile(directory, 8));
    ModelHash ownHash = ModelHash.ofFile(own.expertGroupFile(0));
    try (LocalNetwork network = LocalNetwork.start(system, new LocalNetwork.Settings(NETUID, 0, SCHEDULE, Duration.ofMillis(200),
        validatorModel, 3, 977, root.resolve("validator-work")), miner.accountId(), miner.accountId())) {
      BlockZeroSettings settings = base.withPhaseService(network.phaseService());
      Metrics metrics = Metrics.create("test", "test");
      AtomicReference<ModelIoDaemon.Status> status = new AtomicReference<>();
      ActorRef<ModelIoDaemon.Command> daemon = system.systemActorOf(ModelIoDaemon.create(new ModelIoDaemon.Dependencies(settings,
          network.chain(), miner, store, HttpClient.newHttpClient(), system.dispatchers().lookup(DispatcherSelector.blocking()), metrics,
          Duration.ofMillis(50)), status), "model-io", org.apache.pekko.actor.typed.Props.empty());

      TestValidator validator = network.validator();
      waitFor(() -> !validator.accepted().isEmpty() && store.bestValidator().isPresent(), 40);

      TestValidator.Accepted accepted = validator.accepted().get(0);
      assertThat(accepted.minerHotkey()).isEqualTo(miner.ss58Address());
      assertThat(accepted.modelHash()).isEqualTo(ownHash.hex());
      assertThat(SCHEDULE.phaseAt(accepted.serverBlock()).is(PhaseName.SUBMISSION)).isTrue();
      // The commitments landed inside their phases (readers look right after each).
      LocalChain chain = network.chain();
      List<LocalChain.AppliedExtrinsic> commits = chain.appliedExtrinsics().stream()
          .filter(applied -> applied.signer().equals(miner.accountId()) && applied.call().equals("Commitments.set_commitment")).toList();
      assertThat(commits).hasSizeGreaterThanOrEqualTo(2);
      long signedAt = commits.get(0).blockNumber();
      long recordAt = commits.get(1).blockNumber();
      assertThat(SCHEDULE.phaseAt(signedAt - 1).is(PhaseName.MINER_COMMIT_1) || SCHEDULE.phaseAt(signedAt).is(PhaseName.MINER_COMMIT_1))
          .as("signed hash in block %d", signedAt).isTrue();
      assertThat(SCHEDULE.phaseAt(recordAt - 1).is(PhaseName.MINER_COMMIT_2) || SCHEDULE.phaseAt(recordAt).is(PhaseName.MINER_COMMIT_2))
          .as("record in block %d", recordAt).isTrue();
      ChainRecord signed = ChainRecord.parse(chain.commitmentsAt(NETUID, signedAt).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .get(miner.accountId()).text()).orElseThrow();
      assertThat(signed).isInstanceOf(ChainRecord.MinerRecord.class);
      assertThat(signed.signedModelHash()).isPresent();
      assertThat(signed.json()).startsWith("{\"b\": null, \"e\": null, \"m\": \"");
      ChainRecord record = ChainRecord.parse(chain.commitmentsAt(NETUID, recordAt).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .get(miner.accountId()).text()).orElseThrow();
      assertThat(record).isInstanceOfSatisfying(ChainRecord.MinerRecord.class, miner1 -> {
        assertThat(miner1.hash()).isEqualTo(ownHash.hex());
        assertThat(miner1.globalVersion()).isZero();
        assertThat(miner1.innerStep()).isEqualTo(40);
        assertThat(miner1.group()).isZero();
      });

      // Distribute of the next cycle: the validator's version 3, verified and kept.
      StoredCheckpoint downloaded = store.bestValidator().orElseThrow();
      assertThat(downloaded.name().globalVersion()).isEqualTo(3);
      assertThat(downloaded.name().validatorHotkey()).isEqualTo(network.validatorHotkey().ss58());
      assertThat(ModelHash.ofFile(downloaded.expertGroupFile(0))).isEqualTo(validator.modelHash());
      assertThat(metrics.scrape()).contains("quarry_blockzero_jobs_total").contains("job=\"submission\",outcome=\"done\"");

      Done stopped = AskPattern.<ModelIoDaemon.Command, Done>ask(daemon, ModelIoDaemon.Shutdown::new, Duration.ofSeconds(10),
          system.scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
      assertThat(stopped).isEqualTo(Done.getInstance());
      ModelIoState saved = ModelIoState.read(store.modelIoDirectory());
      assertThat(saved.committed()).isNotNull();
      assertThat(saved.committed().modelHash()).isEqualTo(ownHash.hex());
      assertThat(saved.submittedCycle()).isEqualTo(saved.committed().cycle());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as("condition within %d s", seconds).isTrue();
  }
}
