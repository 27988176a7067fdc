package dev.quarry.env;

import java.util.Objects;

/**
 * One {@code EleutherAI/hendrycks_math} row as the reference's task source keeps it.
 *
 * @param problem the problem text, used verbatim as the user prompt
 * @param solution the worked solution
 * @param answer the gold answer: the first {@code \boxed{…}} of the solution ("" if none)
 * @param subject the row's {@code type} field, e.g. "Algebra"
 * @param level the number in the row's {@code level} field ("Level 3" → 3; 0 if none)
 */
public record MathItem(String problem, String solution, String answer, String subject, int level) {
  public MathItem {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(solution, "solution");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(subject, "subject");
  }

  /** An item from the raw HF fields, deriving the answer and level as the reference does. */
  public static MathItem fromDataset(String problem, String solution, String type, String level) {
    return new MathItem(problem, solution, LatexAnswers.firstBoxed(solution), type == null ? "" : type, parseLevel(level));
  }

  private static int parseLevel(String level) {
    if (level == null) {
      return 0;
    }
    java.util.regex.Matcher digits = java.util.regex.Pattern.compile("\\p{Nd}+").matcher(level);
    if (!digits.find()) {
      return 0;
    }
    StringBuilder ascii = new StringBuilder();
    digits.group().codePoints().forEach(cp -> ascii.append(Character.digit(cp, 10)));
    return Integer.parseInt(ascii.toString());
  }
}
