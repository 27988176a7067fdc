package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonText;
import java.util.regex.Pattern;

/** {@code \boxed{…}} extraction and the LaTeX answer normalisation of the MATH environment. */
public final class LatexAnswers {

  private static final String BOXED = "\\boxed{";
  /** Python's {@code \b} after a word character: the next character is not a Python word character. */
  private static final String WORD_END = "(?![\\p{L}\\p{N}_])";
  private static final Pattern LEFT = Pattern.compile("\\\\left" + WORD_END, Pattern.UNIX_LINES);
  private static final Pattern RIGHT = Pattern.compile("\\\\right" + WORD_END, Pattern.UNIX_LINES);
  private static final Pattern WHITESPACE = Pattern.compile(PythonText.WHITESPACE_CLASS + "+", Pattern.UNIX_LINES);

  private LatexAnswers() {}

  /**
   * The content of the first {@code \boxed{…}} with balanced braces, or "" ({@code providers._extract_boxed_answer},
   * which derives the dataset's answer field).
   */
  public static String firstBoxed(String solution) {
    int at = solution.indexOf(BOXED);
    if (at < 0) {
      return "";
    }
    int start = at + BOXED.length();
    int depth = 1;
    int i = start;
    while (i < solution.length() && depth > 0) {
      char c = solution.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
      i++;
    }
    return depth == 0 ? solution.substring(start, i - 1) : "";
  }

  /**
   * The content of the last {@code \boxed{…}}, or null when absent or unbalanced
   * ({@code math_hendrycks_env._extract_boxed_answer}, the fallback when an item has no answer).
   */
  public static String lastBoxed(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int at = text.lastIndexOf(BOXED);
    if (at < 0) {
      return null;
    }
    int start = at + BOXED.length();
    int depth = 1;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return text.substring(start, i);
        }
      }
    }
    return null;
  }

  /**
   * {@code _normalize_latex_answer}: strip; {@code \dfrac}, {@code \tfrac}, {@code \cfrac} →
   * {@code \frac}; drop {@code \left}/{@code \right} (as whole words), the spacing commands
   * {@code \, \! \; \:} and all whitespace; lower-case.
   */
  public static String normalize(String answer) {
    String s = PythonText.strip(answer);
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac");
    s = LEFT.matcher(s).replaceAll("");
    s = RIGHT.matcher(s).replaceAll("");
    s = s.replace("\\,", "").replace("\\!", "").replace("\\;", "").replace("\\:", "");
    s = WHITESPACE.matcher(s).replaceAll("");
    return PythonText.lower(s);
  }
}
