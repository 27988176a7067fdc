package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Hendrycks MATH ({@code grail/environments/math_hendrycks_env.py}): the problem verbatim as the
 * prompt; the stripped answer block compared with the gold answer by a {@link MathAnswerEquivalence}.
 *
 * <p>Reward (weights 0.7, 0.15, 0.1, 0.05): correctness 1 (against the item's answer field), format
 * 0.3 (an answer block with fewer than 50 characters after it), thinking 0.5, no-trailing up to 0.2.
 * Success compares against the answer field or, when it is empty, the last {@code \boxed{}} of the
 * solution — a difference the reference has and we keep.
 */
public final class MathEnvironment implements Environment {

  /** The environment id. */
  public static final String ID = "math";

  private static final double[] WEIGHTS = {0.7, 0.15, 0.1, 0.05};
  private static final String[] COMPONENT_NAMES = {"correctness", "answer_format", "thinking", "no_trailing"};

  /**
   * What the MATH parser reads ({@code MATHCompletionParser.parse}).
   *
   * @param answerText the stripped answer block ("" if none)
   * @param hasThinking a closing thinking tag is present
   * @param hasAnswer an answer block is present
   * @param trailingAfterAnswer code points after the answer block
   */
  public record Parsed(String answerText, boolean hasThinking, boolean hasAnswer, int trailingAfterAnswer) {}

  private final TaskSource<MathItem> items;
  private final DatasetSplits.Split split;
  private final MathAnswerEquivalence equivalence;

  /**
   * @param items the split's items (see {@link DatasetSplits#math})
   * @param split which split they are
   * @param equivalence the answer comparison; {@link MathAnswerEquivalence#withoutSymbolic()} until a sympy step is plugged in
   */
  public MathEnvironment(TaskSource<MathItem> items, DatasetSplits.Split split, MathAnswerEquivalence equivalence) {
    this.items = Objects.requireNonNull(items, "items");
    this.split = Objects.requireNonNull(split, "split");
    this.equivalence = Objects.requireNonNull(equivalence, "equivalence");
    if (items.size() == 0) {
      throw new IllegalArgumentException("the MATH " + split + " split is empty");
    }
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Problem problem(long seed) {
    int index = DatasetSplits.indexFromSeed(seed, items.size());
    MathItem item = items.get(index % items.size());
    return new Problem(ID, seed, item.problem(), new DatasetTask<>(split, index, item));
  }

  /** {@code MATHCompletionParser.parse}. */
  public static Parsed parse(String completion, ThinkingMode mode) {
    String text = completion == null ? "" : completion;
    ThinkingParser parser = mode.parser();
    boolean hasThinking = parser.hasThinking(text);
    boolean hasAnswer = parser.hasAnswer(text);
    String answerText = "";
    int trailing = 0;
    if (hasAnswer) {
      ThinkingParser.AnswerMatch match = parser.answerWithThinkingCheck(text);
      if (match != null) {
        answerText = PythonText.strip(match.content());
        trailing = match.trailing();
      }
    }
    return new Parsed(answerText, hasThinking, hasAnswer, trailing);
  }

  /** The gold answer used for success: the answer field, else the solution's last {@code \boxed{}}, else "". */
  public static String goldAnswer(MathItem item) {
    if (!item.answer().isEmpty()) {
      return item.answer();
    }
    if (!item.solution().isEmpty()) {
      String boxed = LatexAnswers.lastBoxed(item.solution());
      if (boxed != null && !boxed.isEmpty()) {
        return boxed;
      }
    }
    return "";
  }

  @Override
  public Evaluation evaluate(Problem problem, String completion, ThinkingMode mode) {
    @SuppressWarnings("unchecked")
    DatasetTask<MathItem> task = (DatasetTask<MathItem>) problem.details();
    return evaluate(task.item(), completion, mode);
  }

  /** Scores a completion against one item. */
  public Evaluation evaluate(MathItem item, String completion, ThinkingMode mode) {
    Parsed parsed = parse(completion, mode);
    boolean correct = !parsed.answerText().isEmpty() && !item.answer().isEmpty()
        && equivalence.equivalent(parsed.answerText(), item.answer());
    double[] components = {
      correct ? 1.0 : 0.0,
      parsed.hasAnswer() && parsed.trailingAfterAnswer() < 50 ? 0.3 : 0.0,
      RewardComponents.thinking(parsed.hasThinking()),
      RewardComponents.noTrailing(parsed.hasAnswer(), parsed.trailingAfterAnswer()),
    };
    Map<String, Double> named = new LinkedHashMap<>();
    for (int i = 0; i < components.length; i++) {
      named.put(COMPONENT_NAMES[i], components[i]);
    }
    boolean success = !parsed.answerText().isEmpty() && equivalence.equivalent(parsed.answerText(), goldAnswer(item));
    return new Evaluation(RewardComponents.weightedSum(WEIGHTS, components), success, named);
  }
}
