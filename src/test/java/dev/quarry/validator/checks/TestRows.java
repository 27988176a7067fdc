package dev.quarry.validator.checks;

import dev.quarry.storage.window.ModelInfo;
import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutResult;
import dev.quarry.storage.window.RolloutRow;

/** Synthetic rows for the checks' unit tests: only the fields a check reads are meaningful. */
final class TestRows {

  private TestRows() {}

  static RolloutRow row(int[] tokens, String commitmentsJson, String beaconJson, int promptLength, int completionLength,
      float[] logprobs) {
    RolloutCommit commit = new RolloutCommit(tokens, commitmentsJson, "v5", new ModelInfo("model", -1), "00",
        beaconJson, new RolloutResult(0.0, 0.0, false, logprobs, promptLength, completionLength));
    return new RolloutRow(600, 601, 0, "0x" + "ab".repeat(32), "ab", true, 0, 0, 16, 570, commit, 0.0, "|x|0", "hotkey",
        "00");
  }

  static RowUnderTest parsed(RolloutRow row) {
    return RowUnderTest.parse(0, row);
  }

  static RolloutRow withStructure(RolloutRow row, long group, long window, String blockHash, long nonce) {
    return new RolloutRow(window, row.block(), nonce, blockHash, row.randomness(), row.useDrand(), group, row.rolloutIndex(),
        row.totalInGroup(), row.checkpointWindow(), row.commit(), row.timestamp(), row.challenge(), row.hotkey(), row.signature());
  }

  static RolloutRow withRewards(RolloutRow row, double reward, double advantage, long group) {
    RolloutCommit c = row.commit();
    RolloutResult r = c.rollout();
    RolloutCommit commit = new RolloutCommit(c.tokens(), c.commitmentsJson(), c.proofVersion(), c.model(), c.signature(),
        c.beaconJson(), new RolloutResult(reward, advantage, r.success(), r.tokenLogprobs(), r.promptLength(),
            r.completionLength()));
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), row.blockHash(), row.randomness(), row.useDrand(), group,
        row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), commit, row.timestamp(), row.challenge(), row.hotkey(),
        row.signature());
  }
}
