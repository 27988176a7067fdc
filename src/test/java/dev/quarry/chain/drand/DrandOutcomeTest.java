package dev.quarry.chain.drand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DrandOutcomeTest {

  @Test
  void mixingMatchesGrailForEveryRecordedBeacon() throws InvalidBeaconException {
    String blockHash = RecordedBeacons.blockHash();
    for (RecordedBeacons.Recorded recorded : RecordedBeacons.all()) {
      DrandOutcome outcome = new DrandOutcome.Verified(QuicknetVerifier.verify(recorded.round(), recorded.signature(), null));
      assertThat(outcome.useDrand()).isTrue();
      assertThat(outcome.windowRandomness(blockHash)).isEqualTo(recorded.windowRandomness());
    }
  }

  @Test
  void withoutDrandTheBlockHashIsUsedWithoutItsPrefix() {
    String blockHash = RecordedBeacons.blockHash();
    for (DrandOutcome.Skipped.Reason reason : DrandOutcome.Skipped.Reason.values()) {
      DrandOutcome outcome = new DrandOutcome.Skipped(reason, "test");
      assertThat(outcome.useDrand()).isFalse();
      assertThat(outcome.verifiedBeacon()).isEmpty();
      String randomness = outcome.windowRandomness(blockHash);
      assertThat(randomness).isEqualTo(blockHash.substring(2)).matches("^[0-9a-fA-F]+$").hasSize(64);
    }
    assertThat(new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.DISABLED, "x").windowRandomness("0x" + "AB".repeat(32)))
        .isEqualTo("ab".repeat(32));
  }

  @Test
  void rejectsSomethingThatIsNotABlockHash() {
    DrandOutcome outcome = new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.DISABLED, "x");
    assertThatThrownBy(() -> outcome.windowRandomness(RecordedBeacons.blockHash().substring(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> outcome.windowRandomness("0x1234")).isInstanceOf(IllegalArgumentException.class);
  }
}
