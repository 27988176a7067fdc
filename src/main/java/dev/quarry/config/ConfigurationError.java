package dev.quarry.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Configuration the operator has to fix: one or more problems, each naming the variable (or file
 * and line) and saying how to fix it. All problems found are reported together so a miner fixes
 * the whole {@code .env} in one pass. Messages never contain secret values: problems about secret
 * variables describe the value (empty, too long) without quoting it.
 */
public final class ConfigurationError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One problem: {@code subject} is a variable name or a {@code file:line} location. */
  public record Problem(String subject, String message) {
    @Override
    public String toString() {
      return subject + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public ConfigurationError(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigurationError(String subject, String message) {
    this(List.of(new Problem(subject, message)));
  }

  public ConfigurationError(String subject, String message, Throwable cause) {
    super(render(List.of(new Problem(subject, message))), cause);
    this.problems = List.of(new Problem(subject, message));
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    return problems.size() + " configuration problems:\n"
        + problems.stream().map(problem -> "  - " + problem).collect(Collectors.joining("\n"));
  }
}
