package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GSM8K ({@code grail/environments/gsm8k_env.py}): the question verbatim as the prompt; the first
 * number inside the answer block, commas removed, compared after normalisation with the text after
 * the dataset's last {@code ####}.
 *
 * <p>Reward (weights 0.6, 0.15, 0.1, 0.1, 0.05): correctness 1, strict format 0.3 (numeric-only
 * answer, nothing after it), thinking 0.5, answer tags 0.3, no-trailing up to 0.2.
 */
public final class Gsm8kEnvironment implements Environment {

  /** The environment id. */
  public static final String ID = "gsm8k";

  private static final int FLAGS = Pattern.UNIX_LINES;
  private static final String DIGIT = PythonText.DIGIT_CLASS;
  private static final Pattern NUMBER = Pattern.compile("[-+]?" + DIGIT + "+(?:[\\.,]" + DIGIT + "+)?", FLAGS);
  private static final Pattern NUMERIC_ONLY = Pattern.compile("^[-+]?[" + DIGIT + ".,]+$", FLAGS);
  private static final Pattern GOLD_MARKER = Pattern.compile("####" + PythonText.WHITESPACE_CLASS + "*(?<ans>.+)", FLAGS);
  private static final Pattern TRAILING_SPACE_AND_DOTS = Pattern.compile("[" + PythonText.WHITESPACE_CHARS + "\\.]+$", FLAGS);
  private static final double[] WEIGHTS = {0.6, 0.15, 0.1, 0.1, 0.05};
  private static final String[] COMPONENT_NAMES = {"correctness", "strict_format", "thinking", "answer_format", "no_trailing"};

  /**
   * What the GSM8K parser reads ({@code GSM8KCompletionParser.parse}).
   *
   * @param answerText the first number in the answer block, commas removed ("" if none)
   * @param hasThinking a closing thinking tag is present
   * @param hasAnswer an answer block is present
   * @param trailingAfterAnswer code points after the answer block
   * @param numericOnly the answer block holds only a signed number (spaces ignored)
   */
  public record Parsed(String answerText, boolean hasThinking, boolean hasAnswer, int trailingAfterAnswer, boolean numericOnly) {}

  private final TaskSource<Gsm8kItem> items;
  private final DatasetSplits.Split split;

  /**
   * @param items the split's items (see {@link DatasetSplits#gsm8k})
   * @param split which split they are, reported in problems
   */
  public Gsm8kEnvironment(TaskSource<Gsm8kItem> items, DatasetSplits.Split split) {
    this.items = Objects.requireNonNull(items, "items");
    this.split = Objects.requireNonNull(split, "split");
    if (items.size() == 0) {
      throw new IllegalArgumentException("the GSM8K " + split + " split is empty");
    }
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Problem problem(long seed) {
    int index = DatasetSplits.indexFromSeed(seed, items.size());
    Gsm8kItem item = items.get(index % items.size());
    return new Problem(ID, seed, item.question(), new DatasetTask<>(split, index, item));
  }

  /** {@code GSM8KCompletionParser.parse}. */
  public static Parsed parse(String completion, ThinkingMode mode) {
    String text = completion == null ? "" : completion;
    ThinkingParser parser = mode.parser();
    boolean hasThinking = parser.hasThinking(text);
    boolean hasAnswer = parser.hasAnswer(text);
    String answerText = "";
    int trailing = 0;
    boolean numericOnly = false;
    if (hasAnswer) {
      ThinkingParser.AnswerMatch match = parser.answerWithThinkingCheck(text);
      if (match != null) {
        String inside = PythonText.strip(match.content());
        trailing = match.trailing();
        Matcher number = NUMBER.matcher(inside);
        if (number.find()) {
          answerText = PythonText.strip(number.group().replace(",", ""));
          numericOnly = NUMERIC_ONLY.matcher(inside.replace(" ", "")).find();
        }
      }
    }
    return new Parsed(answerText, hasThinking, hasAnswer, trailing, numericOnly);
  }

  /** The gold answer in a dataset solution ({@code _parse_gsm8k_golden}). */
  public static String goldAnswer(String solution) {
    String text = solution == null ? "" : solution;
    Matcher marker = GOLD_MARKER.matcher(text);
    String last = null;
    while (marker.find()) {
      last = marker.group("ans");
    }
    if (last != null) {
      return PythonText.strip(last);
    }
    Matcher number = NUMBER.matcher(text);
    String lastNumber = null;
    while (number.find()) {
      lastNumber = number.group();
    }
    if (lastNumber != null) {
      return PythonText.strip(lastNumber.replace(",", ""));
    }
    List<String> lines = PythonTextLines.splitLines(text).stream().map(PythonText::strip).filter(line -> !line.isEmpty()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** {@code re.sub(r"[\s\.]+$", "", s.strip().lower())}. */
  public static String normalize(String answer) {
    return TRAILING_SPACE_AND_DOTS.matcher(PythonText.lower(PythonText.strip(answer))).replaceAll("");
  }

  @Override
  public Evaluation evaluate(Problem problem, String completion, ThinkingMode mode) {
    @SuppressWarnings("unchecked")
    DatasetTask<Gsm8kItem> task = (DatasetTask<Gsm8kItem>) problem.details();
    return evaluate(task.item(), completion, mode);
  }

  /** Scores a completion against one item. */
  public static Evaluation evaluate(Gsm8kItem item, String completion, ThinkingMode mode) {
    Parsed parsed = parse(completion, mode);
    String gold = goldAnswer(item.answer());
    boolean correct = !parsed.answerText().isEmpty() && normalize(parsed.answerText()).equals(normalize(gold));
    double[] components = {
      correct ? 1.0 : 0.0,
      parsed.hasAnswer() && parsed.numericOnly() && parsed.trailingAfterAnswer() == 0 ? 0.3 : 0.0,
      RewardComponents.thinking(parsed.hasThinking()),
      RewardComponents.answer(parsed.hasAnswer()),
      RewardComponents.noTrailing(parsed.hasAnswer(), parsed.trailingAfterAnswer()),
    };
    Map<String, Double> named = new LinkedHashMap<>();
    for (int i = 0; i < components.length; i++) {
      named.put(COMPONENT_NAMES[i], components[i]);
    }
    return new Evaluation(RewardComponents.weightedSum(WEIGHTS, components), correct, named);
  }
}
