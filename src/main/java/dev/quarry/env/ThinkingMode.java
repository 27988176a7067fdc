package dev.quarry.env;

import java.util.Locale;

/**
 * How the model is told to think ({@code grail/shared/thinking.py}); the trainer publishes the mode
 * in each checkpoint's {@code metadata.json} ({@code thinking_mode}). It decides the system prompt —
 * which is part of the prompt tokens the validator compares byte for byte — and the thinking tags the
 * reward parsers look for. The answer is always wrapped in {@code <SOLUTION>…</SOLUTION>}.
 */
public enum ThinkingMode {
  /** The system prompt asks for {@code <start_working_out>…</end_working_out>}; the trainer's ChatML template. */
  INSTRUCTED(
      "instructed",
      "start_working_out",
      "end_working_out",
      "You are given a problem. Think step by step.\n"
          + "Place your reasoning between <start_working_out> and </end_working_out>.\n"
          + "You may write and reason about code during your thinking.\n"
          + "After thinking, you MUST provide your final solution wrapped in <SOLUTION> and </SOLUTION> tags.\n"
          + "Any code outside <SOLUTION> tags will be ignored. Your answer will score 0 without these tags.",
      true,
      false),
  /** The model's own {@code <think>…</think>}; the checkpoint's template with {@code enable_thinking=True}. */
  NATIVE(
      "native",
      "think",
      "think",
      "You are given a problem. Think step by step.\n"
          + "You may write and reason about code during your thinking.\n"
          + "After thinking, you MUST provide your final solution wrapped in <SOLUTION> and </SOLUTION> tags.\n"
          + "Any code outside <SOLUTION> tags will be ignored. Your answer will score 0 without these tags.",
      false,
      true);

  private static final String SOLUTION_TOKEN = "SOLUTION";

  private final String id;
  private final String thinkingOpenToken;
  private final String thinkingCloseToken;
  private final String systemPrompt;
  private final boolean usesCustomTemplate;
  private final boolean enableThinking;

  ThinkingMode(String id, String open, String close, String systemPrompt, boolean usesCustomTemplate, boolean enableThinking) {
    this.id = id;
    this.thinkingOpenToken = open;
    this.thinkingCloseToken = close;
    this.systemPrompt = systemPrompt;
    this.usesCustomTemplate = usesCustomTemplate;
    this.enableThinking = enableThinking;
  }

  /** The value in checkpoint metadata: {@code "instructed"} or {@code "native"}. */
  public String id() {
    return id;
  }

  /** The system message prepended to every prompt. */
  public String systemPrompt() {
    return systemPrompt;
  }

  public String thinkingOpen() {
    return "<" + thinkingOpenToken + ">";
  }

  public String thinkingClose() {
    return "</" + thinkingCloseToken + ">";
  }

  public String solutionOpen() {
    return "<" + SOLUTION_TOKEN + ">";
  }

  public String solutionClose() {
    return "</" + SOLUTION_TOKEN + ">";
  }

  /** Whether the chat template is rendered with {@code enable_thinking=True}. */
  public boolean enableThinking() {
    return enableThinking;
  }

  /** Whether the trainer installs its own ChatML template for this mode. */
  public boolean usesCustomTemplate() {
    return usesCustomTemplate;
  }

  /** The completion parser for this mode's tags. */
  public ThinkingParser parser() {
    return ThinkingParser.of(this);
  }

  /** Reads a metadata value case-insensitively, as the reference does. */
  public static ThinkingMode fromId(String value) {
    String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
    for (ThinkingMode mode : values()) {
      if (mode.id.equals(lower)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "thinking mode must be 'instructed' or 'native', got '" + value + "'");
  }
}
