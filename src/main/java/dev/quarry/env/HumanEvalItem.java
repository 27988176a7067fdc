package dev.quarry.env;

import java.util.Objects;

/**
 * One {@code openai_humaneval} row.
 *
 * @param taskId e.g. {@code "HumanEval/0"}
 * @param prompt signature and docstring, used verbatim as the user prompt
 * @param canonicalSolution the reference body (not used for scoring)
 * @param test a {@code check(candidate)} function
 * @param entryPoint the function name passed to {@code check}
 */
public record HumanEvalItem(String taskId, String prompt, String canonicalSolution, String test, String entryPoint) {
  public HumanEvalItem {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(canonicalSolution, "canonicalSolution");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(entryPoint, "entryPoint");
  }
}
