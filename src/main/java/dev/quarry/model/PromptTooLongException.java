package dev.quarry.model;

/**
 * A prompt that cannot fit: prompt length plus the requested new tokens exceeds the model's
 * context. Generation is refused rather than clamped, as the Grail miner does.
 */
public class PromptTooLongException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int promptIndex;

  public PromptTooLongException(int promptIndex, int promptLength, int maxNewTokens, int maxContext) {
    super("prompt " + promptIndex + " has " + promptLength + " tokens; with " + maxNewTokens
        + " new tokens that exceeds the model's context of " + maxContext + " positions");
    this.promptIndex = promptIndex;
  }

  /** Index of the first prompt that does not fit. */
  public int promptIndex() {
    return promptIndex;
  }
}
