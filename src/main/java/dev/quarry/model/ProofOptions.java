package dev.quarry.model;

/**
 * What the proof pass returns besides the completion tokens' log-probabilities.
 *
 * @param includeHiddenStates return the last hidden state (after the final norm) of every position
 * @param eosTokenId also return, per completion position, the raw softmax probability of this
 *     token (Grail's termination check); -1 for none
 * @param distributionTemperature with {@code distributionRepetitionPenalty}: also return, per
 *     completion position, the probability of the chosen token after HF's repetition-penalty and
 *     temperature processors (Grail's token-distribution check); NaN for none
 * @param distributionRepetitionPenalty the repetition penalty for that check
 */
public record ProofOptions(boolean includeHiddenStates, int eosTokenId, double distributionTemperature,
    double distributionRepetitionPenalty) {

  public ProofOptions {
    if (!Double.isNaN(distributionTemperature) && !(distributionTemperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + distributionTemperature);
    }
    if (!Double.isNaN(distributionTemperature) && !(distributionRepetitionPenalty > 0)) {
      throw new IllegalArgumentException("repetition penalty must be positive, got " + distributionRepetitionPenalty);
    }
  }

  /** What a miner needs: hidden states and completion log-probabilities. */
  public static ProofOptions miner() {
    return new ProofOptions(true, -1, Double.NaN, Double.NaN);
  }

  /** Log-probabilities only (e.g. for {@code quarry model forward} without hidden states). */
  public static ProofOptions logprobsOnly() {
    return new ProofOptions(false, -1, Double.NaN, Double.NaN);
  }

  /** What a validator needs: hidden states, log-probabilities, EOS probabilities and the distribution check. */
  public static ProofOptions validator(int eosTokenId, double temperature, double repetitionPenalty) {
    return new ProofOptions(true, eosTokenId, temperature, repetitionPenalty);
  }

  public boolean includesDistribution() {
    return !Double.isNaN(distributionTemperature);
  }
}
