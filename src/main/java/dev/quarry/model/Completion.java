package dev.quarry.model;

import java.util.Arrays;

/**
 * The tokens generated for one prompt (the prompt itself not included; a final stop token is
 * included, as Hugging Face's generate returns it) and why generation stopped.
 */
public record Completion(int[] tokens, StopReason stopReason) {

  public Completion {
    tokens = tokens.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  public int length() {
    return tokens.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Completion that && Arrays.equals(tokens, that.tokens) && stopReason == that.stopReason;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + stopReason.hashCode();
  }

  @Override
  public String toString() {
    return "Completion[" + tokens.length + " tokens, " + stopReason + "]";
  }
}
