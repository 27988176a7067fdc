package dev.quarry.validator.checks;

import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code reward_valid} ({@code RewardValidator}, a soft check): the miner's {@code total_reward}
 * is {@code math.isclose} to the environment's, relative tolerance 2 %, absolute 1e-6.
 */
public final class RewardCheck {

  private final double relativeTolerance;
  private final double absoluteTolerance;

  public RewardCheck(double relativeTolerance, double absoluteTolerance) {
    this.relativeTolerance = relativeTolerance;
    this.absoluteTolerance = absoluteTolerance;
  }

  public CheckResult check(RowUnderTest row, double environmentReward) {
    double claimed = row.rollout().totalReward();
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("claimed_reward", claimed);
    measures.put("env_reward", environmentReward);
    if (PythonStatistics.isClose(claimed, environmentReward, relativeTolerance, absoluteTolerance)) {
      return CheckResult.pass(Check.REWARD, measures);
    }
    return CheckResult.fail(Check.REWARD, row.index(), "total_reward " + PythonFloats.repr(claimed)
        + " but the environment scores " + PythonFloats.repr(environmentReward) + " (relative tolerance "
        + relativeTolerance + ")", measures);
  }
}
