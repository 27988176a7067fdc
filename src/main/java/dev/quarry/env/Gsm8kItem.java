package dev.quarry.env;

import java.util.Objects;

/**
 * One {@code openai/gsm8k} ({@code main}) row.
 *
 * @param question the problem text, used verbatim as the user prompt
 * @param answer the worked solution ending in {@code #### <answer>}
 */
public record Gsm8kItem(String question, String answer) {
  public Gsm8kItem {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
  }
}
