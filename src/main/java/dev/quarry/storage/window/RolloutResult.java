package dev.quarry.storage.window;

import java.util.Arrays;

/**
 * {@code commit.rollout}: the environment's verdict and the miner's per-token log-probabilities.
 * {@code tokenLogprobs} is float32 on disk (the schema's {@code list<float>}), so it is a
 * {@code float[]} here: a double would suggest precision the file cannot hold.
 */
public record RolloutResult(
    double totalReward,
    double advantage,
    boolean success,
    float[] tokenLogprobs,
    int promptLength,
    int completionLength) {

  public RolloutResult {
    tokenLogprobs = tokenLogprobs.clone();
  }

  @Override
  public float[] tokenLogprobs() {
    return tokenLogprobs.clone();
  }

  /** The number of log-probabilities without copying them. */
  public int tokenLogprobCount() {
    return tokenLogprobs.length;
  }

  /** One log-probability without copying the array. */
  public float tokenLogprob(int index) {
    return tokenLogprobs[index];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RolloutResult that
        && Double.compare(totalReward, that.totalReward) == 0
        && Double.compare(advantage, that.advantage) == 0
        && success == that.success
        && Arrays.equals(tokenLogprobs, that.tokenLogprobs)
        && promptLength == that.promptLength
        && completionLength == that.completionLength;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(totalReward) * 31 + Arrays.hashCode(tokenLogprobs);
  }

  @Override
  public String toString() {
    return "RolloutResult[totalReward=" + totalReward + ", advantage=" + advantage + ", success=" + success
        + ", tokenLogprobs=" + tokenLogprobs.length + " values, promptLength=" + promptLength
        + ", completionLength=" + completionLength + "]";
  }
}
