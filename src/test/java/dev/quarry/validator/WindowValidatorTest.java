package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.validator.checks.Check;
import dev.quarry.validator.checks.CopycatTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole windows in real mode, with the local chain and the S3 server standing in for subtensor and
 * R2: discovery through on-chain read credentials, the deadline, sampling, the checks, copycat
 * gating, the ban and the weights.
 */
class WindowValidatorTest {

  private static final ValidatorTestbed TESTBED = ValidatorTestbed.shared();
  private static final String ALICE = TESTBED.alice.ss58Address();
  private static final String BOB = TESTBED.bob.ss58Address();
  private static final String CHARLIE = TESTBED.charlie.ss58Address();

  @TempDir Path cache;

  @BeforeEach
  void emptyBuckets() throws Exception {
    TESTBED.clearUploads();
  }

  private WindowValidator validator(ValidatorState state, ValidatorOptions options) {
    return TESTBED.windowValidator(state, options, TESTBED.root.resolve("validator-cache"));
  }

  @Test
  void honestMinersAreValidAndEarnWeights() throws Exception {
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, null);
    TESTBED.upload(TESTBED.bob, TESTBED.bobFile, null);
    ValidatorOptions options = ValidatorOptions.defaults();
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport report = validator.validate(ValidatorTestbed.WINDOW);

      assertThat(report.skipped()).isNull();
      assertThat(report.checkpointWindow()).isEqualTo(ValidatorTestbed.CHECKPOINT_WINDOW);
      assertThat(report.environmentId()).isEqualTo("sat");
      assertThat(report.windowBlockHash()).isEqualTo(TESTBED.windowHash.value());
      assertThat(report.challengeSource()).isEqualTo("sha256(hash(90))");
      assertThat(report.deadline()).isEqualTo(TESTBED.deadline());
      assertThat(report.discovery()).isEqualTo(new WindowReport.Discovery(4, 4, 2, 0, 0, 2));
      WindowValidation alice = report.miner(ALICE).orElseThrow();
      WindowValidation bob = report.miner(BOB).orElseThrow();
      assertThat(alice.status()).as(String.valueOf(alice.failure())).isEqualTo(MinerStatus.VALID);
      assertThat(bob.status()).as(String.valueOf(bob.failure())).isEqualTo(MinerStatus.VALID);
      assertThat(alice.uid()).isEqualTo(1);
      assertThat(alice.note()).endsWith("s before the deadline");
      assertThat(alice.estimates().total()).isEqualTo(16);
      assertThat(bob.estimates().total()).isEqualTo(32);
      assertThat(bob.estimates().checked()).isEqualTo(16);
      // Extrapolated from the checked group to the file: int(32 · unique / 16).
      assertThat(bob.estimates().estimatedUnique()).isEqualTo(Estimates.extrapolate(32, bob.estimates().unique(), 16));

      WeightsReport weights = report.weights();
      assertThat(weights.windowsProcessed()).isEqualTo(1);
      assertThat(weights.ready()).isFalse();
      assertThat(weights.entries()).extracting(WeightsReport.Entry::uid).containsExactly(0, 1, 2, 3);
      assertThat(weights.entries().get(1).weight()).isPositive();
      assertThat(weights.entries().get(2).weight()).isGreaterThan(weights.entries().get(1).weight());
      assertThat(weights.entries().get(3).zeroReason()).isEqualTo("no file in the last 12 windows");
      assertThat(weights.burnWeight()).isGreaterThan(0.9999);
      assertThat(java.util.Arrays.stream(weights.weights()).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void aLateUploadDoesNotCount() throws Exception {
    Instant lateBy30 = TESTBED.deadline().plusSeconds(30);
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, lateBy30);
    TESTBED.upload(TESTBED.bob, TESTBED.bobFile, null);
    ValidatorOptions options = ValidatorOptions.defaults();
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport report = validator.validate(ValidatorTestbed.WINDOW);

      WindowValidation alice = report.miner(ALICE).orElseThrow();
      assertThat(alice.status()).isEqualTo(MinerStatus.LATE);
      assertThat(alice.note()).isEqualTo("uploaded at " + lateBy30 + ", 30.0 s after the deadline " + TESTBED.deadline()
          + " (timestamp of block 90 minus 4 s)");
      assertThat(alice.upload().lastModified()).isEqualTo(lateBy30);
      assertThat(report.discovery().late()).isEqualTo(1);
      assertThat(report.discovery().active()).isEqualTo(1);
      assertThat(report.miner(BOB).orElseThrow().status()).isEqualTo(MinerStatus.VALID);
      assertThat(validator.state().availabilityCount(ALICE)).isZero();

      WindowReport single = validator.validateMiner(ValidatorTestbed.WINDOW, ALICE);
      assertThat(single.miners()).singleElement().satisfies(only -> assertThat(only.status()).isEqualTo(MinerStatus.LATE));
    }
  }

  @Test
  void theLaterUploaderOfCopiedRolloutsIsGated() throws Exception {
    Instant first = TESTBED.deadline().minusSeconds(120);
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, first);
    TESTBED.upload(TESTBED.charlie, TESTBED.charlieFile, first.plusSeconds(60));
    ValidatorOptions options = ValidatorOptions.defaults();
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport report = validator.validate(ValidatorTestbed.WINDOW);

      WindowValidation charlie = report.miner(CHARLIE).orElseThrow();
      assertThat(charlie.status()).isEqualTo(MinerStatus.FAILED);
      assertThat(charlie.failure().check()).isEqualTo(Check.COPYCAT);
      assertThat(charlie.failure().row()).isNull();
      assertThat(charlie.failure().reason()).isEqualTo("16 of 16 rollouts shared with " + ALICE
          + " (ratio 1.000 >= 0.05, window scope), which uploaded earlier; the later uploader is gated");
      assertThat(charlie.estimates().estimatedUnique()).isZero();
      assertThat(charlie.rows()).hasSize(16).allSatisfy(row -> assertThat(row.outcome()).isEqualTo(RowReport.Outcome.VALID));

      WindowValidation alice = report.miner(ALICE).orElseThrow();
      assertThat(alice.status()).isEqualTo(MinerStatus.VALID);
      assertThat(alice.copycat()).extracting(CopycatTracker.Violation::victim).containsOnly(ALICE);
      assertThat(report.copycat()).extracting(CopycatTracker.Violation::scope)
          .containsExactlyInAnyOrder(CopycatTracker.Scope.WINDOW, CopycatTracker.Scope.INTERVAL);
      assertThat(report.copycat()).allSatisfy(violation -> {
        assertThat(violation.copier()).isEqualTo(CHARLIE);
        assertThat(violation.shared()).isEqualTo(16);
        assertThat(violation.denominator()).isEqualTo(16);
      });
      assertThat(validator.state().failureCount(CHARLIE)).isEqualTo(1);
      assertThat(report.weights().entries().get(3).zeroReason()).isEqualTo("failed in window 60");
    }
  }

  @Test
  void aFailureBansTheMinerForTheLookbackAndTheStateSurvivesARestart() throws Exception {
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, null);
    TESTBED.upload(TESTBED.bob, Tamper.withoutRow(TESTBED.bobFile, 31), null);
    ValidatorOptions options = ValidatorOptions.defaults().withFailureLookback(1);
    Path stateFile = cache.resolve("state.json");
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport first = validator.validate(ValidatorTestbed.WINDOW);
      assertThat(first.miner(BOB).orElseThrow().failure().toString())
          .isEqualTo("structure, row 16: rollout_group 1 has 15 rows, expected exactly 16");
      validator.state().save(stateFile);
    }
    try (WindowValidator validator = validator(ValidatorState.load(stateFile, options), options)) {
      WindowReport second = validator.validate(ValidatorTestbed.WINDOW);
      WindowValidation bob = second.miner(BOB).orElseThrow();
      assertThat(bob.status()).isEqualTo(MinerStatus.BANNED);
      assertThat(bob.note()).isEqualTo("failed within the last 1 windows");
      assertThat(second.discovery().banned()).isEqualTo(1);
      assertThat(second.discovery().selected()).isEqualTo(1);

      // With a lookback of one window the ban ends once a window passes without a failure.
      WindowReport third = validator.validate(ValidatorTestbed.WINDOW);
      assertThat(third.miner(BOB).orElseThrow().status()).isEqualTo(MinerStatus.FAILED);
      assertThat(validator.state().windowsProcessed()).isEqualTo(3);
    }
  }

  @Test
  void aWindowWithoutAReadyCheckpointIsSkippedAndAnUnfinishedWindowRefused() throws Exception {
    ValidatorOptions options = ValidatorOptions.defaults();
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport skipped = validator.validate(30);
      assertThat(skipped.skipped()).isEqualTo("no trainer checkpoint was READY before window 30");
      assertThat(validator.state().windowsProcessed()).isZero();
      assertThatThrownBy(() -> validator.validate(90)).isInstanceOf(WindowValidator.WindowNotReadyException.class)
          .hasMessage("window 90 is not over: the chain is at block 95; it can be validated from block 120 on");
    }
  }

  @Test
  void reportsRenderAsTextAndJson() throws Exception {
    TESTBED.upload(TESTBED.alice, Tamper.withoutRow(TESTBED.aliceFile, 15), null);
    ValidatorOptions options = ValidatorOptions.defaults();
    try (WindowValidator validator = validator(ValidatorState.fresh(options), options)) {
      WindowReport report = validator.validate(ValidatorTestbed.WINDOW);
      String text = ReportText.render(report, false);
      assertThat(text).contains(ALICE + " (uid 1): FAILED at structure, row 0: rollout_group 0 has 15 rows, expected exactly 16");
      var json = ReportJson.render(report);
      assertThat(json.get("miners").get(0).get("status").asText()).isEqualTo("failed");
      assertThat(json.get("miners").get(0).get("failure").get("check").asText()).isEqualTo("structure");
      assertThat(json.get("miners").get(0).get("failure").get("row").asInt()).isZero();
      assertThat(json.get("weights").get("entries")).hasSize(4);
      assertThat(List.of(json.fieldNames()).toString()).isNotEmpty();
      Files.writeString(cache.resolve("report.json"), json.toPrettyString());
    }
  }

  @Test
  void theInProcessLocalValidatorServesTheEmbeddedDefault() throws Exception {
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, null);
    Path state = cache.resolve("local-state.json");
    try (LocalValidator local = LocalValidator.embedded(TESTBED.chain, ValidatorTestbed.NETUID, TESTBED.server, TESTBED.serverKey,
        cache.resolve("checkpoints"), ValidatorTestbed.environments(), ValidatorOptions.defaults(), state)) {
      assertThat(local.latestFinishedWindow()).isEqualTo(ValidatorTestbed.WINDOW);
      WindowReport report = local.validateWindow(ValidatorTestbed.WINDOW);
      assertThat(report.mode()).isEqualTo("local");
      assertThat(report.miner(ALICE).orElseThrow().status()).isEqualTo(MinerStatus.VALID);
      assertThat(local.state().windowsProcessed()).isEqualTo(1);
      assertThat(ValidatorState.load(state, ValidatorOptions.defaults()).availabilityCount(ALICE)).isEqualTo(1);
      assertThat(local.validateMiner(ValidatorTestbed.WINDOW, BOB).miners()).singleElement()
          .satisfies(bob -> assertThat(bob.status()).isEqualTo(MinerStatus.NOT_FOUND));
    }
  }
}
