package dev.quarry.model;

/**
 * One sequence of a training batch: its tokens (no padding) and which of them are prediction
 * targets. Position {@code t} is a target when its label is not ignored (the reference's
 * {@code DataCollatorForLanguageModeling} ignores padding ids); the first token is never one, as
 * nothing precedes it.
 */
public record TrainingSequence(int[] tokens, boolean[] targets) {

  public TrainingSequence {
    tokens = tokens.clone();
    targets = targets.clone();
    if (tokens.length != targets.length) {
      throw new IllegalArgumentException("tokens and targets differ in length");
    }
    if (tokens.length == 0) {
      throw new IllegalArgumentException("a training sequence needs at least one token");
    }
  }

  /** Every token after the first is a target. */
  public static TrainingSequence allTargets(int[] tokens) {
    boolean[] targets = new boolean[tokens.length];
    java.util.Arrays.fill(targets, 1, targets.length, true);
    return new TrainingSequence(tokens, targets);
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public boolean[] targets() {
    return targets.clone();
  }

  /** Number of predicted positions. */
  public int targetCount() {
    int count = 0;
    for (int t = 1; t < targets.length; t++) {
      count += targets[t] ? 1 : 0;
    }
    return count;
  }
}
