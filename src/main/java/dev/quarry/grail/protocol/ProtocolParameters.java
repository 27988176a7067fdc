package dev.quarry.grail.protocol;

import java.util.List;

/**
 * Every constant miners and validators must agree on, grouped by concern, with {@link #v5()} the
 * values of one-covenant/grail v0.0.60 ({@code grail/protocol/constants.py} plus the validator's
 * in-code constants). Immutable; pass a modified copy only to explore "what if" in tools and tests —
 * the network only accepts {@code v5()}.
 *
 * @param proof the GRAIL proof (sketch) parameters
 * @param windows window and block timing
 * @param rollouts rollout generation and per-rollout checks
 * @param validation how validators choose and check miners
 * @param incentive how validators turn results into weights
 */
public record ProtocolParameters(
    Proof proof, Windows windows, Rollouts rollouts, Validation validation, Incentive incentive) {

  /**
   * @param version the proof version miners write ({@code commit.proof_version})
   * @param acceptedVersions versions validators accept
   * @param primeQ the sketch modulus, 2^31 - 1
   * @param challengeK challenged completion positions per rollout; also the minimum completion length
   * @param layerIndex hidden layer the proof commits to (-1 = final norm output)
   * @param batchSize sub-batch size of the proof forward pass (padding changes numerics, so both sides use it)
   * @param topK activations per position entering the sketch
   * @param bucketsPerSign log-magnitude buckets per sign
   * @param coefficientRange sketch coefficients lie in [-range, range]
   * @param toleranceBase sketch tolerance at position 0
   * @param toleranceGrowth sketch tolerance growth per sqrt(position)
   */
  public record Proof(
      String version,
      List<String> acceptedVersions,
      long primeQ,
      int challengeK,
      int layerIndex,
      int batchSize,
      int topK,
      int bucketsPerSign,
      int coefficientRange,
      int toleranceBase,
      double toleranceGrowth) {
    public Proof {
      acceptedVersions = List.copyOf(acceptedVersions);
    }
  }

  /**
   * @param windowLength blocks per window
   * @param blockTimeSeconds target block time
   */
  public record Windows(int windowLength, int blockTimeSeconds) {}

  /**
   * @param rolloutsPerProblem GRPO group size (exact)
   * @param maxNewTokensCap protocol cap on completion length
   * @param minEosProbability minimum softmax probability of EOS before the last token
   * @param rewardRelativeTolerance relative tolerance of the reward check
   * @param rewardAbsoluteTolerance absolute tolerance of the reward check
   * @param logprobMedianDeviation maximum median of exp(|Δlogprob|) - 1 over the challenged positions
   */
  public record Rollouts(
      int rolloutsPerProblem,
      int maxNewTokensCap,
      double minEosProbability,
      double rewardRelativeTolerance,
      double rewardAbsoluteTolerance,
      double logprobMedianDeviation) {}

  /**
   * @param minerSamplingEnabled whether validators sample a subset of active miners
   * @param minerSampleRate fraction of active miners checked per window
   * @param minerSampleMin minimum miners checked
   * @param minerSampleMax maximum miners checked
   * @param failureLookbackWindows windows a hard failure bans a miner for
   * @param minFileBytes smallest window file that counts as a file
   * @param maxFileBytes largest accepted window file
   * @param checkAllThreshold at most this many rollouts: check them all
   * @param maxSamplesPerMiner cap on rollouts spot-checked (in whole groups)
   * @param groupSampleRate fraction of GRPO groups spot-checked
   * @param advantageSumTolerance maximum |sum of advantages| in a group
   * @param advantageTolerance maximum |claimed - recomputed| advantage
   * @param deadlineSlackSeconds added to the deadline block's timestamp
   * @param rewardSoftThreshold fraction of checked rollouts whose reward may mismatch before the gate trips
   * @param distributionSoftThreshold same for the token-distribution heuristic
   */
  public record Validation(
      boolean minerSamplingEnabled,
      double minerSampleRate,
      int minerSampleMin,
      int minerSampleMax,
      int failureLookbackWindows,
      long minFileBytes,
      long maxFileBytes,
      int checkAllThreshold,
      int maxSamplesPerMiner,
      double groupSampleRate,
      double advantageSumTolerance,
      double advantageTolerance,
      double deadlineSlackSeconds,
      double rewardSoftThreshold,
      double distributionSoftThreshold) {}

  /**
   * @param superlinearExponent score = capped unique rollouts ^ exponent
   * @param uniqueRolloutsCap per-window cap on unique rollouts
   * @param uniqueRolloutsCapEnabled whether the cap applies
   * @param burnUid the UID receiving the burn
   * @param burnPercentage share burned when miners reach the cap
   * @param rollingWindows windows in the weights' rolling period
   * @param weightIntervalBlocks blocks between weight submissions
   * @param trainerUid the UID whose bucket holds checkpoints
   */
  public record Incentive(
      double superlinearExponent,
      int uniqueRolloutsCap,
      boolean uniqueRolloutsCapEnabled,
      int burnUid,
      double burnPercentage,
      int rollingWindows,
      int weightIntervalBlocks,
      int trainerUid) {}

  private static final ProtocolParameters V5 =
      new ProtocolParameters(
          new Proof("v5", List.of("v4", "v5"), 2_147_483_647L, 32, -1, 16, 16, 8, 127, 6000, 5.0),
          new Windows(30, 12),
          new Rollouts(16, 8192, 0.02, 0.02, 1e-6, 0.10),
          new Validation(
              true, 0.25, 2, 35, 14, 200L, 350L * 1024 * 1024, 20, 64, 0.10, 0.01, 1e-3, -4.0, 0.20, 0.51),
          new Incentive(4.0, 5000, true, 0, 90.0, 12, 360, 0));

  /** The live protocol: one-covenant/grail v0.0.60, proof version v5. */
  public static ProtocolParameters v5() {
    return V5;
  }
}
