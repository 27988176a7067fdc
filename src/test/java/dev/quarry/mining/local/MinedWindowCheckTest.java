package dev.quarry.mining.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.drand.DrandOutcome;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.http.Metrics;
import dev.quarry.mining.DevicePlan;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningEvents;
import dev.quarry.mining.TrainerBucket;
import dev.quarry.mining.WindowPlan;
import dev.quarry.mining.bench.PipelineBenchmark;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.DeviceSpec;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutResult;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileWriter;
import dev.quarry.storage.window.WindowFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default's window check on a real file (two groups made by the engine for window 30 of
 * the local network) — accepted as made — and on tampered copies, which it must reject for the
 * reason a validator would.
 */
class MinedWindowCheckTest {

  @TempDir static Path directory;
  private static LocalNetwork network;
  private static MinedWindowCheck check;
  private static List<RolloutRow> rows;
  private static ObjectStore minerBucket;
  private static String key;

  @BeforeAll
  static void mineOneWindowByHand() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    network = LocalNetwork.start(LocalNetwork.Settings.defaults(directory.resolve("net")).manual());
    network.chain().advance(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
    MinerSetup setup = network.minerSetup(directory.resolve("node"), Metrics.create("check", "test"),
        new WindowBeaconSource(null, false), DevicePlan.cpu(4096, 16), MiningEvents.NONE);
    CheckpointConsumer checkpoints = new CheckpointConsumer(ObjectStore.open(
        TrainerBucket.fromChain(network.chain(), network.netuid(), 0, network.minerBucket()).settings(), ObjectStore.Access.READ),
        directory.resolve("check-cache"));
    CheckpointMetadata metadata = checkpoints.metadata(0).orElseThrow();
    String hash = network.chain().blockHash(30).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Instant start = network.chain().blockTimestamp(30).toCompletableFuture().get(10, TimeUnit.SECONDS);
    DrandOutcome none = new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.DISABLED, "off");
    WindowPlan plan = new WindowPlan(30, 30, hash, none.windowRandomness(hash), false, -1, "", 0, metadata.type().name(),
        metadata.json().toString(), start.toEpochMilli(), start.plusSeconds(11).toEpochMilli());
    try (CausalLanguageModel model = CausalLanguageModel.load(checkpoints.ensureLocal(0).directory(), DeviceSpec.cpu())) {
      rows = PipelineBenchmark.direct(setup, plan, model, 2);
    }
    minerBucket = ObjectStore.open(network.minerBucket(), ObjectStore.Access.WRITE);
    key = WindowFiles.key(network.minerHotkey().ss58Address(), 30);
    network.chain().putCommitment(network.netuid(), network.minerHotkey().accountId(), network.minerBucket().readCommitment().bytes())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    network.chain().advance(30).toCompletableFuture().get(10, TimeUnit.SECONDS);
    check = new MinedWindowCheck(network.chain(), network.netuid(), network.minerHotkey().accountId(), network.minerBucket(),
        checkpoints, setup.environments(), ProtocolParameters.v5(), 1);
  }

  @AfterAll
  static void stop() {
    minerBucket.close();
    network.close();
  }

  private static WindowVerifier.Verdict checkUploaded(UnaryOperator<List<RolloutRow>> change) throws Exception {
    minerBucket.delete(key);
    List<RolloutRow> changed = change.apply(new ArrayList<>(rows));
    minerBucket.put(key, WindowFileWriter.write(new WindowFile(network.minerHotkey().ss58Address(), 30, 30,
        System.currentTimeMillis() / 1000.0, changed)));
    return check.verify(30);
  }

  @Test
  void theFileAsMadePassesEveryCheck() throws Exception {
    WindowVerifier.Verdict verdict = checkUploaded(UnaryOperator.identity());
    assertThat(verdict.problems()).isEmpty();
    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.rows()).isEqualTo(32);
    assertThat(verdict.groups()).isEqualTo(2);
    assertThat(verdict.recomputedGroups()).isEqualTo(1);
  }

  @Test
  void aChangedCompletionTokenBreaksTheCommitBindingSignature() throws Exception {
    WindowVerifier.Verdict verdict = checkUploaded(list -> {
      RolloutRow row = list.get(3);
      int[] tokens = row.commit().tokens();
      tokens[tokens.length - 1] = tokens[tokens.length - 1] == 100 ? 101 : 100;
      RolloutCommit commit = new RolloutCommit(tokens, row.commit().commitmentsJson(), row.commit().proofVersion(),
          row.commit().model(), row.commit().signature(), row.commit().beaconJson(), row.commit().rollout());
      list.set(3, withCommit(row, commit));
      return list;
    });
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.problems()).anyMatch(problem -> problem.contains("commit-binding signature does not verify"));
  }

  @Test
  void aRewardNobodyCanReproduceIsCaughtByTheGroupArithmetic() throws Exception {
    WindowVerifier.Verdict verdict = checkUploaded(list -> {
      RolloutRow row = list.get(0);
      RolloutResult result = row.commit().rollout();
      RolloutResult inflated = new RolloutResult(result.totalReward() + 1.0, result.advantage(), result.success(),
          result.tokenLogprobs(), result.promptLength(), result.completionLength());
      list.set(0, withCommit(row, new RolloutCommit(row.commit().tokens(), row.commit().commitmentsJson(), row.commit().proofVersion(),
          row.commit().model(), row.commit().signature(), row.commit().beaconJson(), inflated)));
      return list;
    });
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.problems()).anyMatch(problem -> problem.startsWith("group 0: advantages"));
  }

  @Test
  void aSketchThatTheModelDoesNotReproduceIsCaughtEvenWhenSigned() throws Exception {
    WindowVerifier.Verdict verdict = checkUploaded(list -> {
      RolloutRow row = list.get(2);
      int position = row.commit().rollout().promptLength() + 5;
      long[] sketches = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(
          readSketches(row.commit().commitmentsJson()), long[].class);
      sketches[position] = (sketches[position] + 1_000_000_000L) % 2_147_483_647L;
      dev.quarry.grail.protocol.Randomness beacon = dev.quarry.grail.protocol.Randomness.parse(row.randomness());
      byte[] binding = dev.quarry.grail.protocol.CommitBinding.digest(row.commit().tokens(), beacon, row.commit().model().name(),
          row.commit().model().layerIndex(), sketches);
      String signature = dev.quarry.crypto.Hex.encode(network.minerHotkey().sign(binding));
      list.set(2, withCommit(row, new RolloutCommit(row.commit().tokens(), dev.quarry.grail.protocol.Commitments.parquetJson(sketches),
          row.commit().proofVersion(), row.commit().model(), signature, row.commit().beaconJson(), row.commit().rollout())));
      return list;
    });
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.problems()).singleElement().asString().contains("group 0 rollout 2: sketch at position");
  }

  private static long[] readSketches(String json) {
    try {
      var array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      long[] values = new long[array.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = array.get(i).get("sketch").asLong();
      }
      return values;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aRepeatedNonceIsRejected() throws Exception {
    WindowVerifier.Verdict verdict = checkUploaded(list -> {
      list.set(20, list.get(4));
      return list;
    });
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.problems()).anyMatch(problem -> problem.contains("nonce used twice"));
  }

  private static RolloutRow withCommit(RolloutRow row, RolloutCommit commit) {
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), row.blockHash(), row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), commit, row.timestamp(),
        row.challenge(), row.hotkey(), row.signature());
  }
}
