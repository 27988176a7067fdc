package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonFloats;

/**
 * GRPO advantages of one rollout group and the validator's hard check of them.
 *
 * <p>Miner ({@code compute_advantages}): {@code A_i = (r_i − mean) / max(population_std, 1e-8)}.
 * Validator ({@code _validate_grpo_groups}): exactly {@code rolloutsPerProblem} rows,
 * {@code |Σ A| ≤ 0.01}, and every claimed advantage within 1e-3 of the recomputation from the
 * claimed rewards. Sums follow CPython 3.12's compensated {@code sum()}, as the reference runs on it.
 */
public final class GrpoAdvantages {

  /** The validator's verdict on one group; {@code reason} is null when valid. */
  public record GroupCheck(boolean valid, String reason) {
    static final GroupCheck OK = new GroupCheck(true, null);
  }

  private GrpoAdvantages() {}

  /** The advantages the miner stores for a group with these total rewards. */
  public static double[] compute(double[] rewards) {
    // The miner writes max(std, 1e-8): Python keeps std unless 1e-8 is strictly greater, so NaN stays NaN.
    return normalise(rewards, false);
  }

  /** The validator's group check with the live parameters. */
  public static GroupCheck check(double[] rewards, double[] advantages) {
    return check(rewards, advantages, ProtocolParameters.v5());
  }

  /** The validator's group check. */
  public static GroupCheck check(double[] rewards, double[] advantages, ProtocolParameters parameters) {
    int expected = parameters.rollouts().rolloutsPerProblem();
    if (advantages.length != expected || rewards.length != expected) {
      return new GroupCheck(false, "group has " + advantages.length + " rollouts, expected " + expected);
    }
    double advantageSum = PythonFloats.sum(advantages);
    if (Math.abs(advantageSum) > parameters.validation().advantageSumTolerance()) {
      return new GroupCheck(false, "advantages sum to " + advantageSum + ", not 0");
    }
    double tolerance = parameters.validation().advantageTolerance();
    double[] recomputed = recomputeForCheck(rewards);
    for (int i = 0; i < rewards.length; i++) {
      if (Math.abs(advantages[i] - recomputed[i]) > tolerance) {
        return new GroupCheck(false, "advantage " + i + " is " + advantages[i] + ", recomputed " + recomputed[i]);
      }
    }
    return GroupCheck.OK;
  }

  /**
   * The advantages the validator recomputes from the claimed rewards. It differs from
   * {@link #compute} only for a NaN standard deviation: the validator writes {@code max(1e-8, std)},
   * which yields 1e-8 there, where the miner's {@code max(std, 1e-8)} keeps NaN.
   */
  public static double[] recomputeForCheck(double[] rewards) {
    return normalise(rewards, true);
  }

  private static double[] normalise(double[] rewards, boolean nanStandardDeviationBecomesFloor) {
    int n = rewards.length;
    if (n == 0) {
      return new double[0];
    }
    double mean = PythonFloats.sum(rewards) / n;
    double[] centered = new double[n];
    double[] squares = new double[n];
    for (int i = 0; i < n; i++) {
      centered[i] = rewards[i] - mean;
      squares[i] = centered[i] * centered[i];
    }
    double std = Math.sqrt(PythonFloats.sum(squares) / n);
    double denominator = nanStandardDeviationBecomesFloor ? (std > 1e-8 ? std : 1e-8) : (1e-8 > std ? 1e-8 : std);
    double[] result = new double[n];
    for (int i = 0; i < n; i++) {
      result[i] = centered[i] / denominator;
    }
    return result;
  }
}
