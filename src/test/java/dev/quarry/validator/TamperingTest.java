package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.Challenges;
import dev.quarry.grail.protocol.SketchTolerance;
import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.storage.window.WindowFileTestSupport;
import dev.quarry.validator.checks.Check;
import dev.quarry.validator.checks.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each way a window file can be tampered with, applied to an honest file of our own miner, fails at
 * the check the reference would fail it at, naming the row and the numbers. (Late uploads and
 * copycats need the bucket and several miners: {@link WindowValidatorTest}.)
 */
class TamperingTest {

  private static final ValidatorTestbed TESTBED = ValidatorTestbed.shared();
  private static final String ALICE = TESTBED.alice.ss58Address();

  private static WindowValidation validate(WindowFile file) throws Exception {
    return validate(ValidatorTestbed.bytes(file));
  }

  private static WindowValidation validate(byte[] parquet) throws Exception {
    WindowValidation result = new MinerValidator(TESTBED.setup())
        .validate(new MinerFile(ALICE, 1, WindowFileReader.read(parquet), null)).validation();
    assertThat(result.status()).isEqualTo(MinerStatus.FAILED);
    assertThat(result.estimates().estimatedUnique()).isZero();
    return result;
  }

  private static void assertRejected(WindowValidation result, Check check, Integer row) {
    Rejection failure = result.failure();
    assertThat(failure.check()).as(failure.toString()).isEqualTo(check);
    assertThat(failure.row()).as(failure.toString()).isEqualTo(row);
  }

  @Test
  void aFlippedCompletionTokenBreaksTheCommitBinding() throws Exception {
    int promptLength = TESTBED.aliceFile.rows().get(5).commit().rollout().promptLength();
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 5, row -> {
      int[] tokens = row.commit().tokens();
      tokens[promptLength + 10] = tokens[promptLength + 10] == 0 ? 1 : tokens[promptLength + 10] - 1;
      return Tamper.commit(row, Tamper.tokens(row.commit(), tokens));
    });

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.PROOF, 5);
    assertThat(result.failure().reason()).isEqualTo("commit signature does not verify for " + ALICE
        + " over the binding of tokens, beacon, model name, layer and commitments");
    assertThat(result.rows()).hasSize(6);
    assertThat(result.rows().get(5).measures()).containsEntry("prompt_length", promptLength);
  }

  @Test
  void anAlteredPromptTokenFailsThePromptRebuiltFromTheSeed() throws Exception {
    RolloutRow original = TESTBED.aliceFile.rows().get(3);
    int expected = original.commit().token(10);
    int altered = expected + 7;
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 3, row -> {
      int[] tokens = row.commit().tokens();
      tokens[10] = altered;
      return Tamper.commit(row, Tamper.tokens(row.commit(), tokens));
    });

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.PROMPT, 3);
    long seed = dev.quarry.grail.protocol.ProblemSeeds.environmentSeed(ALICE, TESTBED.windowHash, 0);
    assertThat(result.failure().reason()).isEqualTo("prompt token 10 is " + altered + " but the prompt rebuilt from seed "
        + seed + " has " + expected + " there");
  }

  @Test
  void aShiftedSketchFailsTheProofAtTheFirstChallengedPosition() throws Exception {
    long shift = 10_000;
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 7, row -> {
      long[] sketches = Tamper.sketches(row.commit());
      for (int p = row.commit().rollout().promptLength(); p < sketches.length; p++) {
        sketches[p] = (sketches[p] + shift) % 2_147_483_647L;
      }
      RolloutCommit shifted = Tamper.commitments(row.commit(), sketches);
      // The miner signs what it uploads, so only the sketch check can catch this.
      return Tamper.commit(row, Tamper.signature(shifted, Tamper.bindingSignature(shifted, TESTBED.alice)));
    });

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.PROOF, 7);
    RolloutRow row = TESTBED.aliceFile.rows().get(7);
    int[] positions = Challenges.v5().positions(row.commit().tokens(), TESTBED.setup().challengeRandomness(),
        row.commit().rollout().promptLength(), row.commit().rollout().completionLength());
    long tolerance = SketchTolerance.v5().tolerance(positions[0]);
    assertThat(result.failure().reason()).startsWith("position " + positions[0] + " distance " + shift + " > tolerance "
        + tolerance + " (").endsWith("; 32 of 32 challenged positions failed");
    assertThat(result.rows().get(7).measures()).containsEntry("failed_positions", 32).containsEntry("max_sketch_distance", shift);
  }

  @Test
  void wrongLogprobsFailTheMedianDeviation() throws Exception {
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 2, row -> {
      float[] logprobs = row.commit().rollout().tokenLogprobs();
      for (int p = row.commit().rollout().promptLength(); p < logprobs.length; p++) {
        logprobs[p] += 0.5f;
      }
      return Tamper.commit(row, Tamper.rollout(row.commit(), Tamper.logprobs(row.commit().rollout(), logprobs)));
    });

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.LOGPROBS, 2);
    assertThat(result.failure().reason()).startsWith("median exp(|Δlogprob|) − 1 over 32 challenged positions is 0.6487 > 0.1");
    assertThat((double) result.rows().get(2).measures().get("logprob_median_deviation")).isCloseTo(Math.exp(0.5) - 1,
        org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void aWrongAdvantageFailsTheGrpoGroupCheck() throws Exception {
    double original = TESTBED.aliceFile.rows().get(4).commit().rollout().advantage();
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 4, row -> Tamper.commit(row,
        Tamper.rollout(row.commit(), Tamper.advantage(row.commit().rollout(), original + 0.5))));

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.GRPO_GROUPS, 4);
    assertThat(original).isZero(); // every completion scored the same, so every honest advantage is 0
    assertThat(result.failure().reason()).isEqualTo("rollout_group 0: advantages sum to 0.5, more than 0.01 from 0; "
        + "this row's advantage 0.5 differs most from the 0.0 its reward gives");
    assertThat(result.rows()).hasSize(16).allSatisfy(row -> assertThat(row.outcome()).isEqualTo(RowReport.Outcome.VALID));
  }

  @Test
  void aCommitSignatureByAnotherKeyFailsTheProof() throws Exception {
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 6, row ->
        Tamper.commit(row, Tamper.signature(row.commit(), Tamper.bindingSignature(row.commit(), TESTBED.bob))));

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.PROOF, 6);
    assertThat(result.failure().reason()).startsWith("commit signature does not verify for " + ALICE);
  }

  @Test
  void aBadOuterSignatureFailsBeforeThePipeline() throws Exception {
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 8, row -> Tamper.outerSignature(row,
        Hex.encode(TESTBED.alice.sign(("|" + row.blockHash() + "|999").getBytes(StandardCharsets.UTF_8)))));

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.ROLLOUT_SIGNATURE, 8);
    assertThat(result.failure().reason()).isEqualTo("signature does not verify over challenge '|" + TESTBED.windowHash.value()
        + "|8' for hotkey " + ALICE);
    assertThat(result.rows().get(8).measures()).isEmpty();
  }

  @Test
  void aDuplicateNonceFailsTheStructureCheck() throws Exception {
    WindowFile tampered = Tamper.row(TESTBED.aliceFile, 9, row -> Tamper.nonce(row, 8));

    WindowValidation result = validate(tampered);

    assertRejected(result, Check.STRUCTURE, 9);
    assertThat(result.failure().reason()).isEqualTo("nonce 8 appears twice (nonces are rollout_group*16+rollout_index and must "
        + "be unique)");
    assertThat(result.rows()).isEmpty();
  }

  @Test
  void aFifteenRowGroupFailsTheStructureCheck() throws Exception {
    WindowValidation result = validate(Tamper.withoutRow(TESTBED.aliceFile, 15));

    assertRejected(result, Check.STRUCTURE, 0);
    assertThat(result.failure().reason()).isEqualTo("rollout_group 0 has 15 rows, expected exactly 16");
  }

  @Test
  void rowsFromAnotherCheckpointFailTheCheckpointWindowCheck() throws Exception {
    WindowValidation result = validate(Tamper.everyRow(TESTBED.aliceFile, row -> Tamper.checkpointWindow(row, 0)));

    assertRejected(result, Check.CHECKPOINT_WINDOW, 0);
    assertThat(result.failure().reason()).isEqualTo("checkpoint_window is 0 but the trainer checkpoint for window 60 is 30 "
        + "(the miner generated with another checkpoint)");
  }

  @Test
  void theHashOfAnotherBlockFailsTheStructureCheck() throws Exception {
    String otherHash = TESTBED.chain.blockHash(30).toCompletableFuture().join();
    WindowValidation result = validate(Tamper.everyRow(TESTBED.aliceFile, row -> Tamper.blockHash(row, otherHash)));

    assertRejected(result, Check.STRUCTURE, 0);
    assertThat(result.failure().reason()).isEqualTo("block_hash " + otherHash + " is not the hash of block 60 ("
        + TESTBED.windowHash.value() + ")");
  }

  @Test
  void aFileWithoutFooterMetadataFailsTheStructureCheck() throws Exception {
    byte[] withoutFooter = WindowFileTestSupport.writeWithFooter(TESTBED.aliceFile, Map.of());

    WindowValidation result = validate(withoutFooter);

    assertRejected(result, Check.STRUCTURE, null);
    assertThat(result.failure().reason()).startsWith("footer metadata 'wallet' is missing (expected " + ALICE + ")");
  }

  @Test
  void reSignedFlippedTokensAreSoftDistributionFailuresUntilTheGateTrips() throws Exception {
    WindowFile oneRow = flipAndResign(TESTBED.aliceFile, 5);
    WindowValidation tolerated = new MinerValidator(TESTBED.setup())
        .validate(new MinerFile(ALICE, 1, WindowFileReader.read(ValidatorTestbed.bytes(oneRow)), null)).validation();
    // As in the reference: the binding verifies, the sketches stay far inside the tolerance, and one
    // improbable token is only a soft failure.
    assertThat(tolerated.status()).isEqualTo(MinerStatus.VALID);
    assertThat(tolerated.softFailures()).containsEntry("token_distribution_valid", 1).containsEntry("reward_valid", 0);
    assertThat(tolerated.rows().get(5).softFailures()).singleElement().satisfies(soft -> {
      assertThat(soft.check()).isEqualTo(Check.TOKEN_DISTRIBUTION);
      assertThat(soft.reason()).contains("min ").contains(" <= 1.0E-5");
    });
    assertThat((long) tolerated.rows().get(5).measures().get("max_sketch_distance")).isLessThan(6000);

    WindowFile nineRows = TESTBED.aliceFile;
    for (int row = 0; row < 9; row++) {
      nineRows = flipAndResign(nineRows, row);
    }
    WindowValidation result = validate(nineRows);
    assertRejected(result, Check.TOKEN_DISTRIBUTION, 8);
    assertThat(result.failure().reason()).startsWith("soft gate: failed on 9 of 16 rows to check (gate at 9, 51%); this row: "
        + "chosen-token probabilities look unlike sampling from the checkpoint: min ");
    assertThat(result.rows()).hasSize(9);
    assertThat(result.rows().get(8).outcome()).isEqualTo(RowReport.Outcome.SOFT_GATE);
  }

  /** A miner editing a completion token and signing the result: an improbable token, right after the prompt. */
  private static WindowFile flipAndResign(WindowFile file, int index) {
    return Tamper.row(file, index, row -> {
      int[] tokens = row.commit().tokens();
      int position = row.commit().rollout().promptLength() + 10;
      tokens[position] = (tokens[position] + 1000) % 151_000;
      RolloutCommit flipped = Tamper.tokens(row.commit(), tokens);
      return Tamper.commit(row, Tamper.signature(flipped, Tamper.bindingSignature(flipped, TESTBED.alice)));
    });
  }
}
