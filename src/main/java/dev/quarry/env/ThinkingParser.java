package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonText;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag parsing every environment shares ({@code grail/environments/base.py::ThinkingParser}),
 * with Python {@code re} semantics: tags match case-insensitively, the opening thinking tag is
 * optional (native templates often open it themselves), and "trailing" counts code points after
 * the matched closing answer tag.
 */
public final class ThinkingParser {

  /**
   * An answer found in a completion.
   *
   * @param content the text between the answer tags, as is
   * @param trailing code points after the closing answer tag
   * @param properOrdering whether a closed thinking block precedes the answer
   */
  public record AnswerMatch(String content, int trailing, boolean properOrdering) {}

  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL | Pattern.UNIX_LINES;
  private static final Map<ThinkingMode, ThinkingParser> PARSERS = new EnumMap<>(ThinkingMode.class);

  static {
    for (ThinkingMode mode : ThinkingMode.values()) {
      PARSERS.put(mode, new ThinkingParser(mode));
    }
  }

  private final ThinkingMode mode;
  private final String thinkingCloseLower;
  private final Pattern answer;
  private final Pattern thinkThenAnswer;
  private final Pattern answerOpen;
  private final Pattern answerClose;

  private ThinkingParser(ThinkingMode mode) {
    this.mode = mode;
    this.thinkingCloseLower = PythonText.lower(mode.thinkingClose());
    String solutionOpen = Pattern.quote(mode.solutionOpen());
    String solutionClose = Pattern.quote(mode.solutionClose());
    this.answer = Pattern.compile(solutionOpen + "(?<content>.*?)" + solutionClose, FLAGS);
    this.thinkThenAnswer = Pattern.compile(
        "(?:" + Pattern.quote(mode.thinkingOpen()) + ")?.*?" + Pattern.quote(mode.thinkingClose())
            + ".*?" + solutionOpen + "(?<content>.*?)" + solutionClose,
        FLAGS);
    this.answerOpen = Pattern.compile(solutionOpen, FLAGS);
    this.answerClose = Pattern.compile(solutionClose, FLAGS);
  }

  /** The parser for a mode's tags. */
  public static ThinkingParser of(ThinkingMode mode) {
    return PARSERS.get(mode);
  }

  public ThinkingMode mode() {
    return mode;
  }

  /** Whether the closing thinking tag appears anywhere (case-insensitive). */
  public boolean hasThinking(String text) {
    return PythonText.lower(text == null ? "" : text).contains(thinkingCloseLower);
  }

  /** Whether some {@code <SOLUTION>…</SOLUTION>} block is present. */
  public boolean hasAnswer(String text) {
    return answer.matcher(text == null ? "" : text).find();
  }

  /** The content of the first answer block, or null. */
  public String answerBlock(String text) {
    Matcher matcher = answer.matcher(text == null ? "" : text);
    return matcher.find() ? matcher.group("content") : null;
  }

  /**
   * The answer, preferring one that follows a closed thinking block
   * ({@code _get_answer_with_thinking_check}); null when there is no answer block.
   */
  public AnswerMatch answerWithThinkingCheck(String text) {
    String completion = text == null ? "" : text;
    if (hasThinking(completion)) {
      AnswerMatch ordered = thinkThenAnswer(completion);
      if (ordered != null) {
        return ordered;
      }
    }
    return firstAnswer(completion);
  }

  /** The first answer block regardless of thinking, or null. */
  AnswerMatch firstAnswer(String completion) {
    Matcher matcher = answer.matcher(completion);
    if (matcher.find()) {
      return new AnswerMatch(matcher.group("content"), PythonText.codePointsAfter(completion, matcher.end()), false);
    }
    return null;
  }

  /** The thinking-then-answer match alone, or null. */
  AnswerMatch thinkThenAnswer(String completion) {
    // re.search finds the leftmost match; this pattern can always start at 0 when it matches at
    // all (the lazy prefix absorbs anything), so anchoring at 0 gives the same match without the
    // quadratic retries of an unanchored search.
    Matcher matcher = thinkThenAnswer.matcher(completion);
    if (matcher.lookingAt()) {
      return new AnswerMatch(matcher.group("content"), PythonText.codePointsAfter(completion, matcher.end()), true);
    }
    return null;
  }

  /** Number of opening answer tags (non-overlapping, case-insensitive). */
  int countAnswerOpens(String text) {
    return count(answerOpen, text);
  }

  /** Number of closing answer tags. */
  int countAnswerCloses(String text) {
    return count(answerClose, text);
  }

  private static int count(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
