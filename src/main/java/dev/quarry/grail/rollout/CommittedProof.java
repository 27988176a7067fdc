package dev.quarry.grail.rollout;

import java.util.Arrays;
import java.util.Objects;

/**
 * The part of a proof pass a window file needs, with the hidden states already reduced to
 * per-position sketches: the sequence, its prompt length, the completion log-probabilities and one
 * sketch per position. A proof actor reduces each sequence as soon as its sub-batch is done
 * ({@link RolloutGroupAssembler#commit}), so hidden states (length × hidden floats, gigabytes for
 * long sequences of large models) never wait for the rest of the group, and what crosses threads is
 * a few numbers per token.
 *
 * @param tokens prompt + completion ids the pass ran on
 * @param promptLength prompt tokens at the start of {@code tokens}
 * @param completionLogprobs one log-probability per completion position
 * @param sketches one sketch per position of {@code tokens}
 */
public record CommittedProof(int[] tokens, int promptLength, float[] completionLogprobs, long[] sketches) {

  public CommittedProof {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(completionLogprobs, "completionLogprobs");
    Objects.requireNonNull(sketches, "sketches");
    if (promptLength < 0 || promptLength > tokens.length) {
      throw new IllegalArgumentException("prompt length " + promptLength + " outside a sequence of " + tokens.length);
    }
  }

  public int completionLength() {
    return tokens.length - promptLength;
  }

  /** Grail's {@code token_logprobs}: zeros for the prompt, then the completion log-probabilities. */
  public float[] tokenLogprobs() {
    float[] all = new float[tokens.length];
    System.arraycopy(completionLogprobs, 0, all, promptLength, Math.min(completionLogprobs.length, tokens.length - promptLength));
    return all;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CommittedProof that && promptLength == that.promptLength && Arrays.equals(tokens, that.tokens)
        && Arrays.equals(completionLogprobs, that.completionLogprobs) && Arrays.equals(sketches, that.sketches);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + promptLength;
  }

  @Override
  public String toString() {
    return "CommittedProof[tokens=" + tokens.length + ", promptLength=" + promptLength + "]";
  }
}
