package dev.quarry.model;

/**
 * How the next token is chosen, with Hugging Face's meaning and order: repetition penalty, then
 * temperature, then top-k, then top-p, then a draw from what remains.
 *
 * @param temperature divides the logits; must be positive (1 leaves them unchanged)
 * @param topP keep the smallest set of most likely tokens whose probability reaches this (1 = off)
 * @param topK keep only the k most likely tokens (0 = off; 1 = greedy)
 * @param repetitionPenalty divides positive logits and multiplies negative ones of tokens already
 *     in the sequence, prompt included (1 = off)
 */
public record SamplingParameters(double temperature, double topP, int topK, double repetitionPenalty) {

  public SamplingParameters {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (!(topP >= 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in [0, 1], got " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + topK);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new IllegalArgumentException("repetition_penalty must be positive, got " + repetitionPenalty);
    }
  }

  /** Always the most likely token (top-k = 1). */
  public static SamplingParameters greedy() {
    return new SamplingParameters(1.0, 1.0, 1, 1.0);
  }

  /** Plain sampling from the model's distribution, no processors. */
  public static SamplingParameters unmodified() {
    return new SamplingParameters(1.0, 1.0, 0, 1.0);
  }
}
