package dev.quarry.blockzero.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.blockzero.ChainRecord;
import dev.quarry.blockzero.Fixtures;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseName;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.SignedMessages;
import dev.quarry.blockzero.miner.BlockZeroHttpException;
import dev.quarry.blockzero.miner.ValidatorClient;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A miner's signed requests against the test validator on a manual local chain, block by block:
 * what the reference validator accepts is accepted, and each of its refusals happens.
 */
class TestValidatorTest {

  private static final int NETUID = 9;
  /** 2 + 2 + 2 + 2 + 3 + 1 + 1 + 2 + 2 = 17 blocks: MinerCommit1 4-5, MinerCommit2 6-7, Submission 8-10. */
  private static final PhaseSchedule SCHEDULE = PhaseSchedule.blockZero(2, 2, 2, 3, 1, 1);
  private static ActorSystem<Void> system;

  @BeforeAll
  static void startSystem() {
    system = Fixtures.system("blockzero-validator-test");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static void advanceUntil(LocalChain chain, BooleanSupplier condition) throws Exception {
    for (int i = 0; i < 50 && !condition.getAsBoolean(); i++) {
      await(chain.advance(1));
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  private static void advanceTo(LocalChain chain, long block) throws Exception {
    if (chain.headNumber() < block) {
      await(chain.advance((int) (block - chain.headNumber())));
    }
  }

  @Test
  void acceptsTheAssignedMinersCommittedFileAndRefusesEverythingElse(@TempDir Path work) throws Exception {
    Keypair miner = SecretUri.dev("Alice");
    Keypair stranger = SecretUri.dev("Charlie");
    Keypair validatorKey = SecretUri.dev("quarry-local-validator");
    Path validatorModel = Files.createDirectories(work.resolve("validator"));
    Fixtures.randomGroupFile(validatorModel, 1);
    Path minerModel = Files.createDirectories(work.resolve("miner"));
    Path minerFile = Fixtures.randomGroupFile(minerModel, 2);
    Path otherFile = Fixtures.randomGroupFile(Files.createDirectories(work.resolve("other")), 3);
    ModelHash hash = ModelHash.ofFile(minerFile);
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual())) {
      await(chain.register(NETUID, miner.accountId(), miner.accountId(), 0));
      await(chain.register(NETUID, stranger.accountId(), stranger.accountId(), 0));
      await(chain.register(NETUID, validatorKey.accountId(), validatorKey.accountId(), 0, true));
      TestValidator validator = await(TestValidator.start(system, chain, new TestValidator.Config(validatorKey, NETUID, 0, SCHEDULE,
          validatorModel, 3, 4242, work.resolve("submissions"), Optional.empty()), "127.0.0.1", 0));
      try {
        URI url = ValidatorClient.baseUrl("127.0.0.1", validator.address().getPort());
        ValidatorClient client = new ValidatorClient(HttpClient.newHttpClient(), Optional.empty());

        // Download: a correctly signed request gets the validator's file; a forged one is refused.
        Path downloaded = work.resolve("download/model_expgroup_0.pt");
        long bytes = await(client.download(url, validatorKey.accountId(), miner, chain.headNumber(), 0, downloaded));
        assertThat(Files.readAllBytes(downloaded)).isEqualTo(Files.readAllBytes(validatorModel.resolve("model_expgroup_0.pt")));
        assertThat(bytes).isEqualTo(Files.size(downloaded));
        String forged = "target_hotkey_ss58=" + validatorKey.ss58Address() + "&origin_hotkey_ss58=" + miner.ss58Address()
            + "&origin_block=5&expert_group_id=0&signature="
            + SignedMessages.sign(stranger, SignedMessages.blockMessage(validatorKey.accountId(), 5));
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/get-checkpoint"))
            .header("Content-Type", "application/x-www-form-urlencoded").method("GET", HttpRequest.BodyPublishers.ofString(forged)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);

        // MinerCommit1: the validator commits its seed; the miner its signed hash. MinerCommit2: the record.
        advanceTo(chain, 4);
        advanceUntil(chain, () -> committed(chain, validatorKey) instanceof ChainRecord.ValidatorRecord record && record.minerSeed() == 4242);
        // Included at most in the block after MinerCommit1 (5), where readers look.
        assertThat(chain.headNumber()).isLessThanOrEqualTo(5);
        awaitInclusion(chain, chain.headNumber() + 1, () -> chain.setCommitment(miner, NETUID, new ChainRecord.SignedHash(
            SignedMessages.sign(miner, SignedMessages.modelHashMessage(hash))).commitmentBytes()));
        advanceTo(chain, 6);
        awaitInclusion(chain, 7, () -> chain.setCommitment(miner, NETUID,
            new ChainRecord.MinerRecord(6L, 0L, null, hash.hex(), 0L, 20L).commitmentBytes()));
        assertThat(SCHEDULE.phaseAt(chain.headNumber()).is(PhaseName.MINER_COMMIT_2)).isTrue();

        // Before Submission: 409.
        assertThat(status(() -> client.submit(url, validatorKey.accountId(), miner, chain.headNumber(), minerFile, hash))).isEqualTo(409);
        advanceTo(chain, 8);
        long block = chain.headNumber();
        // Not this validator: 403. Not assigned: 403. Another file than committed: 400 and nothing kept.
        assertThat(status(() -> client.submit(url, stranger.accountId(), miner, block, minerFile, hash))).isEqualTo(403);
        assertThat(status(() -> client.submit(url, validatorKey.accountId(), stranger, block, minerFile, hash))).isEqualTo(403);
        assertThat(status(() -> client.submit(url, validatorKey.accountId(), miner, block, otherFile, ModelHash.ofFile(otherFile))))
            .isEqualTo(400);
        assertThat(validator.refusals().get(validator.refusals().size() - 1)).contains("differs from the committed");
        // An origin block outside the phase: 400.
        assertThat(status(() -> client.submit(url, validatorKey.accountId(), miner, 7, minerFile, hash))).isEqualTo(400);

        JsonNode answer = await(client.submit(url, validatorKey.accountId(), miner, block, minerFile, hash));
        assertThat(answer.get("status").asText()).isEqualTo("ok");
        assertThat(answer.get("bytes").asLong()).isEqualTo(Files.size(minerFile));
        assertThat(validator.accepted()).singleElement().satisfies(accepted -> {
          assertThat(accepted.minerHotkey()).isEqualTo(miner.ss58Address());
          assertThat(accepted.modelHash()).isEqualTo(hash.hex());
          assertThat(Files.readAllBytes(accepted.storedPath())).isEqualTo(Files.readAllBytes(minerFile));
        });
        // Once per phase: 409.
        assertThat(status(() -> client.submit(url, validatorKey.accountId(), miner, block, minerFile, hash))).isEqualTo(409);
      } finally {
        validator.close();
      }
    }
  }

  private static ChainRecord committed(LocalChain chain, Keypair key) {
    try {
      return await(chain.commitment(NETUID, key.accountId())).flatMap(commitment -> ChainRecord.parse(commitment.text())).orElse(null);
    } catch (Exception failure) {
      return null;
    }
  }

  private static void awaitInclusion(LocalChain chain, long expectedBlock, java.util.concurrent.Callable<CompletionStage<?>> commit)
      throws Exception {
    CompletionStage<?> pending = commit.call();
    await(chain.advance(1));
    await(pending);
    assertThat(chain.headNumber()).isEqualTo(expectedBlock);
  }

  private static int status(java.util.concurrent.Callable<CompletionStage<JsonNode>> call) {
    assertThatThrownBy(() -> await(call.call())).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(BlockZeroHttpException.class);
    try {
      await(call.call());
    } catch (ExecutionException expected) {
      return ((BlockZeroHttpException) expected.getCause()).status();
    } catch (Exception other) {
      throw new AssertionError(other);
    }
    throw new AssertionError("accepted");
  }
}
