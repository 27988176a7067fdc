package dev.quarry.grail.rollout;

import dev.quarry.env.Problem;

/**
 * One problem of a window, ready to generate for: its index ({@code rollout_group}, which also
 * fixes the nonces of its rollouts), the seed derived from hotkey, block hash and index, the
 * environment instance, and the prompt ids every rollout of the group starts with.
 */
public record PreparedProblem(long problemIndex, long seed, Problem problem, int[] promptTokens) {

  public PreparedProblem {
    if (problemIndex < 0) {
      throw new IllegalArgumentException("problem index must be >= 0, got " + problemIndex);
    }
    promptTokens = promptTokens.clone();
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  public int promptLength() {
    return promptTokens.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PreparedProblem that
        && problemIndex == that.problemIndex
        && seed == that.seed
        && problem.equals(that.problem)
        && java.util.Arrays.equals(promptTokens, that.promptTokens);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(problemIndex) * 31 + Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "PreparedProblem[index=" + problemIndex + ", seed=" + seed + ", env=" + problem.environmentId()
        + ", promptTokens=" + promptTokens.length + "]";
  }
}
