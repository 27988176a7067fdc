package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.storage.window.WindowFileReader;
import org.junit.jupiter.api.Test;

/** Files our own miner produces pass every check, whether every row or a spot-checked group is checked. */
class HonestFilesTest {

  private static final ValidatorTestbed TESTBED = ValidatorTestbed.shared();

  @Test
  void aOneGroupFileHasEveryRowCheckedAndValid() throws Exception {
    MinerValidator.Outcome outcome = new MinerValidator(TESTBED.setup()).validate(new MinerFile(TESTBED.alice.ss58Address(), 1,
        WindowFileReader.read(ValidatorTestbed.bytes(TESTBED.aliceFile)), null));
    WindowValidation result = outcome.validation();
    assertThat(result.status()).as(String.valueOf(result.failure())).isEqualTo(MinerStatus.VALID);
    assertThat(result.checkedAll()).isTrue();
    assertThat(result.rows()).hasSize(16).allSatisfy(row -> assertThat(row.outcome()).isEqualTo(RowReport.Outcome.VALID));
  }

  @Test
  void aTwoGroupFileIsSpotCheckedAndValid() throws Exception {
    MinerValidator.Outcome outcome = new MinerValidator(TESTBED.setup()).validate(new MinerFile(TESTBED.bob.ss58Address(), 2,
        WindowFileReader.read(ValidatorTestbed.bytes(TESTBED.bobFile)), null));
    WindowValidation result = outcome.validation();
    assertThat(result.status()).as(String.valueOf(result.failure())).isEqualTo(MinerStatus.VALID);
    assertThat(result.checkedAll()).isFalse();
    assertThat(result.sampledGroups()).hasSize(1);
    assertThat(result.rows()).hasSize(16);
    // The group a validator draws from the parsed commits, as ValidatorSampling computes it.
    java.util.List<Long> groups = new java.util.ArrayList<>();
    java.util.List<Object> commits = new java.util.ArrayList<>();
    for (int i = 0; i < TESTBED.bobFile.rows().size(); i++) {
      groups.add(TESTBED.bobFile.rows().get(i).rolloutGroup());
      commits.add(dev.quarry.validator.checks.RowUnderTest.parse(i, TESTBED.bobFile.rows().get(i)).pythonCommit());
    }
    assertThat(result.sampledGroups()).isEqualTo(dev.quarry.grail.protocol.ValidatorSampling.v5()
        .rolloutsToCheck(groups, commits, TESTBED.bob.ss58Address(), TESTBED.setup().challengeRandomness()).groups());
    assertThat(result.rows()).allSatisfy(row -> assertThat(row.rolloutGroup()).isEqualTo(result.sampledGroups().get(0)));
  }
}
