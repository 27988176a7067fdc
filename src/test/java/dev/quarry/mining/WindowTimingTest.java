package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The reference miner's EMA rule (grail/cli/mine.py MiningTimers) and the validator's deadline. */
class WindowTimingTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void beforeAnySampleTheReferenceDefaultsApply() {
    WindowTiming timing = new WindowTiming(30, 3, Duration.ofSeconds(12));
    assertThat(timing.generationEstimate()).isEqualTo(Duration.ofSeconds(72));
    assertThat(timing.uploadEstimate()).isEqualTo(Duration.ofSeconds(12));
    // ceil((72 + 12 + 36) / 12) = 10
    assertThat(timing.blocksNeeded()).isEqualTo(10);
    assertThat(timing.blocksRemaining(300, 319)).isEqualTo(11);
  }

  @Test
  void movingAveragesFollowTheReferenceFormula() {
    WindowTiming timing = new WindowTiming(30, 3, Duration.ofSeconds(12));
    timing.generationTook(Duration.ofSeconds(10));
    timing.generationTook(Duration.ofSeconds(20));
    // first sample taken as is, then 0.2 × 20 + 0.8 × 10 = 12
    assertThat(timing.generationEstimate().toMillis()).isEqualTo(12_000);
    timing.uploadTook(Duration.ofSeconds(5));
    assertThat(timing.uploadEstimate()).isEqualTo(Duration.ofSeconds(5));
    // ceil((12 + 5 + 36) / 12) = 5
    assertThat(timing.blocksNeeded()).isEqualTo(5);
    timing.blockSeen(100, T0);
    timing.blockSeen(102, T0.plusSeconds(20));
    // block time 0.2 × 10 + 0.8 × 12 = 11.6 s
    assertThat(timing.blockTime().toMillis()).isEqualTo(11_600);
  }

  @Test
  void aSlowGroupIsCappedAtOneWindowAndTheNeedNeverExceeds29Blocks() {
    WindowTiming timing = new WindowTiming(30, 3, Duration.ofSeconds(12));
    timing.generationTook(Duration.ofHours(1));
    assertThat(timing.generationEstimate()).isEqualTo(Duration.ofSeconds(360));
    assertThat(timing.blocksNeeded()).isEqualTo(29);
  }

  @Test
  void theBlockRuleAndTheDeadlineRuleBothGateANewGroup() {
    WindowTiming timing = new WindowTiming(30, 3, Duration.ofMillis(500));
    timing.generationTook(Duration.ofSeconds(1));
    timing.uploadTook(Duration.ofMillis(200));
    Instant deadline = timing.uploadDeadline(T0);
    assertThat(deadline).isEqualTo(T0.plusSeconds(15).minusSeconds(4));
    // blocks needed: ceil((1 + 0.2 + 1.5) / 0.5) = 6
    assertThat(timing.blocksNeeded()).isEqualTo(6);
    assertThat(timing.mayStartGroup(300, 300, T0, deadline)).isTrue();
    assertThat(timing.mayStartGroup(300, 324, T0, deadline)).as("6 blocks left, 6 needed").isFalse();
    // by blocks there is time (block 310), but the 4-second slack makes 2.7 s after 8.5 s too late
    assertThat(timing.mayStartGroup(300, 310, T0.plusMillis(8_500), deadline)).isFalse();
    assertThat(timing.mayStartGroup(300, 310, T0.plusMillis(8_200), deadline)).isTrue();
    assertThat(timing.uploadStartLatest(deadline)).isEqualTo(deadline.minusMillis(200).minusMillis(750));
  }

  @Test
  void aNewCoordinatorStartsFromTheSlowestNodesEstimateUntilItMeasuresItsOwn() {
    WindowTiming timing = new WindowTiming(30, 3, Duration.ofSeconds(1));
    timing.adoptGenerationEstimate(Duration.ofSeconds(2));
    timing.adoptGenerationEstimate(Duration.ofSeconds(5));
    timing.adoptGenerationEstimate(Duration.ofSeconds(3));
    assertThat(timing.generationEstimate()).isEqualTo(Duration.ofSeconds(5));
    timing.generationTook(Duration.ofSeconds(10));
    timing.adoptGenerationEstimate(Duration.ofSeconds(60));
    assertThat(timing.generationEstimate().toMillis()).isEqualTo(6_000);
  }
}
