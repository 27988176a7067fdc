package dev.quarry.model;

/**
 * The proof pass over one sequence (prompt + completion). Arrays are handed over, not copied: the
 * caller owns them and should not expect them to stay unchanged if it modifies them.
 *
 * <ul>
 *   <li>{@link #hiddenStates()}: row-major {@code length x hiddenSize} floats, the output of the
 *       final RMSNorm at every position (empty unless requested); row {@code p} starts at
 *       {@code p * hiddenSize}.
 *   <li>{@link #completionLogprobs()}: for completion position {@code p} (from {@code promptLength}),
 *       fp32 {@code log_softmax(logits[p - 1])[tokens[p]]}.
 *   <li>{@link #eosProbabilities()}: per completion position, {@code softmax(logits[p - 1])[eos]}
 *       (empty unless requested); the last entry is the termination check's value.
 *   <li>{@link #chosenTokenProbabilities()}: per completion position, the probability of
 *       {@code tokens[p]} after HF's repetition-penalty and temperature processors (empty unless
 *       requested).
 * </ul>
 */
public final class ProofResult {

  private final int[] tokens;
  private final int promptLength;
  private final int hiddenSize;
  private final float[] hiddenStates;
  private final float[] completionLogprobs;
  private final float[] eosProbabilities;
  private final float[] chosenTokenProbabilities;

  ProofResult(int[] tokens, int promptLength, int hiddenSize, float[] hiddenStates, float[] completionLogprobs,
      float[] eosProbabilities, float[] chosenTokenProbabilities) {
    this.tokens = tokens;
    this.promptLength = promptLength;
    this.hiddenSize = hiddenSize;
    this.hiddenStates = hiddenStates;
    this.completionLogprobs = completionLogprobs;
    this.eosProbabilities = eosProbabilities;
    this.chosenTokenProbabilities = chosenTokenProbabilities;
  }

  public int[] tokens() {
    return tokens;
  }

  public int length() {
    return tokens.length;
  }

  public int promptLength() {
    return promptLength;
  }

  public int completionLength() {
    return tokens.length - promptLength;
  }

  public int hiddenSize() {
    return hiddenSize;
  }

  public float[] hiddenStates() {
    return hiddenStates;
  }

  /** Offset of position {@code p}'s hidden state in {@link #hiddenStates()}. */
  public int hiddenStateOffset(int position) {
    return position * hiddenSize;
  }

  public float[] completionLogprobs() {
    return completionLogprobs;
  }

  /** Grail's {@code token_logprobs}: zeros for the prompt, then the completion log-probabilities. */
  public float[] tokenLogprobs() {
    float[] all = new float[tokens.length];
    System.arraycopy(completionLogprobs, 0, all, promptLength, completionLogprobs.length);
    return all;
  }

  public float[] eosProbabilities() {
    return eosProbabilities;
  }

  public float[] chosenTokenProbabilities() {
    return chosenTokenProbabilities;
  }
}
