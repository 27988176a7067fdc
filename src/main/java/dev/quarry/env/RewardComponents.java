package dev.quarry.env;

/** The env-agnostic reward components ({@code grail/environments/reward_components.py}). */
final class RewardComponents {

  private RewardComponents() {}

  static double thinking(boolean hasThinking) {
    return hasThinking ? 0.5 : 0.0;
  }

  static double answer(boolean hasAnswer) {
    return hasAnswer ? 0.3 : 0.0;
  }

  static double soft(boolean hasAnswer) {
    return hasAnswer ? 0.2 : 0.0;
  }

  /** {@code max(0, 0.2 − 0.001 · trailing)} when an answer is present. */
  static double noTrailing(boolean hasAnswer, int trailing) {
    if (!hasAnswer) {
      return 0.0;
    }
    return Math.max(0.0, 0.2 - 0.001 * trailing);
  }

  /** {@code Σ w_i · r_i} accumulated left to right from 0.0, as {@code RewardVector.compute_reward}. */
  static double weightedSum(double[] weights, double[] rewards) {
    double total = 0.0;
    for (int i = 0; i < weights.length; i++) {
      total += weights[i] * rewards[i];
    }
    return total;
  }
}
