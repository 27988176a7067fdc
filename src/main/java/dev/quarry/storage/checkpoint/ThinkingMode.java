package dev.quarry.storage.checkpoint;

/**
 * The trainer-published thinking mode: it picks the system prompt and chat template every prompt is
 * rendered with, so miners and validators must both take it from checkpoint metadata.
 */
public enum ThinkingMode {
  /** The model's own thinking tokens through its own chat template. */
  NATIVE("native"),
  /** Grail's instructed reasoning tags through a system prompt and plain ChatML. */
  INSTRUCTED("instructed");

  private final String wireName;

  ThinkingMode(String wireName) {
    this.wireName = wireName;
  }

  /** The value in {@code metadata.json}. */
  public String wireName() {
    return wireName;
  }

  public static ThinkingMode fromWireName(String value) {
    for (ThinkingMode mode : values()) {
      if (mode.wireName.equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("thinking_mode must be 'native' or 'instructed', got '" + value + "'");
  }
}
