package dev.quarry.env;

import java.util.Objects;

/**
 * One problem as an environment poses it.
 *
 * @param environmentId the environment that built it
 * @param seed the seed it was built from
 * @param userPrompt the user message text (the system prompt comes from the {@link ThinkingMode};
 *     the chat template is applied by the model side)
 * @param details what the environment needs to score a completion, also shown by {@code quarry protocol problem}
 */
public record Problem(String environmentId, long seed, String userPrompt, ProblemDetails details) {
  public Problem {
    Objects.requireNonNull(environmentId, "environmentId");
    Objects.requireNonNull(userPrompt, "userPrompt");
    Objects.requireNonNull(details, "details");
  }
}
