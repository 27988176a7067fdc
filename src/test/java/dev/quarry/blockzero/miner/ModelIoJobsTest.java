package dev.quarry.blockzero.miner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.blockzero.ChainRecord;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.Fixtures;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.local.LocalPhaseService;
import dev.quarry.blockzero.local.TestValidator;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs' refusals: nothing to commit, a late commitment, a download whose file does not match the chain. */
class ModelIoJobsTest {

  private static final int NETUID = 13;
  /** 17 blocks: MinerCommit1 4-5, MinerCommit2 6-7, ValidatorCommit1 13-14, ValidatorCommit2 15-16. */
  private static final PhaseSchedule SCHEDULE = PhaseSchedule.blockZero(2, 2, 2, 3, 1, 1);

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void refusesWhatTheReferenceWouldGetWrong(@TempDir Path root) throws Exception {
    Keypair miner = SecretUri.dev("Alice");
    Keypair validatorKey = SecretUri.dev("quarry-local-validator");
    ActorSystem<Void> system = Fixtures.system("blockzero-jobs-test");
    Path validatorModel = Files.createDirectories(root.resolve("validator"));
    Fixtures.randomGroupFile(validatorModel, 5);
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual())) {
      await(chain.register(NETUID, miner.accountId(), miner.accountId(), 0));
      await(chain.register(NETUID, validatorKey.accountId(), validatorKey.accountId(), 0, true));
      LocalPhaseService phases = await(LocalPhaseService.start(system, chain, SCHEDULE, "127.0.0.1", 0));
      TestValidator validator = await(TestValidator.start(system, chain, new TestValidator.Config(validatorKey, NETUID, 0, SCHEDULE,
          validatorModel, 3, 11, root.resolve("submissions"), Optional.empty()), "127.0.0.2", 0));
      var served = chain.serveAxon(validatorKey, NETUID, InetAddress.getByName("127.0.0.2"), validator.address().getPort(), 4, 1);
      await(chain.advance(1));
      await(served);
      CheckpointStore store = new CheckpointStore(root.resolve("miner"), "miner", "default", "run", 0, 3);
      ModelIoJobs jobs = new ModelIoJobs(chain, NETUID, miner, 0, store, new PhaseServiceClient(phases.url(), HttpClient.newHttpClient()),
          new ValidatorClient(HttpClient.newHttpClient(), Optional.empty()), system.dispatchers().lookup(DispatcherSelector.blocking()),
          Duration.ofMillis(10));

      // Distribute of cycle 0: no validator commit phase has happened yet.
      JobResult first = await(jobs.download(SCHEDULE.phaseAt(chain.headNumber())));
      assertThat(first.outcome()).isEqualTo(JobResult.Outcome.NOTHING_TO_DO);
      // MinerCommit1 without a checkpoint: nothing to do (the reference crashes).
      await(chain.advance(3));
      JobResult nothing = await(jobs.commitSignedHash(SCHEDULE.phaseAt(chain.headNumber())));
      assertThat(nothing.outcome()).isEqualTo(JobResult.Outcome.NOTHING_TO_DO);
      assertThat(nothing.detail()).contains("no checkpoint");
      // A record for a phase that has ended: late, nothing submitted.
      store.writeOwn(CheckpointName.own(0, 5), directory -> Fixtures.randomGroupFile(directory, 6));
      var pastPhase = SCHEDULE.phaseAt(2);
      Committed committed = new Committed(0, 0, 5, store.bestOwn().orElseThrow().expertGroupFile(0).toString(),
          ModelHash.ofFile(store.bestOwn().orElseThrow().expertGroupFile(0)).hex(), "x", 3, -1);
      long minerExtrinsics = chain.appliedExtrinsics().stream().filter(applied -> applied.signer().equals(miner.accountId())).count();
      assertThat(await(jobs.commitRecord(pastPhase, committed)).outcome()).isEqualTo(JobResult.Outcome.LATE);
      await(chain.advance(1));
      assertThat(chain.appliedExtrinsics().stream().filter(applied -> applied.signer().equals(miner.accountId())).count())
          .isEqualTo(minerExtrinsics);

      // Run to the next Distribute; the validator commits in ValidatorCommit1 and 2 on the way.
      while (chain.headNumber() < 17) {
        await(chain.advance(1));
        Thread.sleep(30);
      }
      ChainRecord latest = ChainRecord.parse(await(chain.commitment(NETUID, validatorKey.accountId())).orElseThrow().text()).orElseThrow();
      assertThat(latest).isInstanceOf(ChainRecord.ValidatorRecord.class);
      // The file changed after it was committed: the download is refused and nothing is kept.
      Path served2 = validatorModel.resolve("model_expgroup_0.pt");
      byte[] original = Files.readAllBytes(served2);
      Fixtures.randomGroupFile(validatorModel, 99);
      JobResult tampered = await(jobs.download(SCHEDULE.phaseAt(chain.headNumber())));
      assertThat(tampered.outcome()).isEqualTo(JobResult.Outcome.FAILED);
      assertThat(store.validators()).isEmpty();
      // Restored, it is downloaded, verified and kept.
      Files.write(served2, original);
      JobResult downloaded = await(jobs.download(SCHEDULE.phaseAt(chain.headNumber())));
      assertThat(downloaded.outcome()).as(downloaded.detail()).isEqualTo(JobResult.Outcome.DONE);
      assertThat(store.bestValidator().orElseThrow().name().globalVersion()).isEqualTo(3);
      // And not again: nothing newer.
      assertThat(await(jobs.download(SCHEDULE.phaseAt(chain.headNumber()))).outcome()).isEqualTo(JobResult.Outcome.NOTHING_TO_DO);
      validator.close();
      phases.stop();
    } finally {
      system.terminate();
    }
  }
}
