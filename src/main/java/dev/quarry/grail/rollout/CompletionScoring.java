package dev.quarry.grail.rollout;

import dev.quarry.env.Environment;
import dev.quarry.env.Evaluation;
import dev.quarry.env.Problem;
import dev.quarry.env.ThinkingMode;
import dev.quarry.model.Tokenizer;

/**
 * Scores a completion as the reference's {@code env.step} sees it: the completion ids decoded with
 * special tokens kept (the trailing {@code <|im_end|>} counts as trailing text where a parser looks
 * at it), under the checkpoint's thinking mode.
 */
public final class CompletionScoring {

  private CompletionScoring() {}

  public static String completionText(Tokenizer tokenizer, int[] completionTokens) {
    return tokenizer.decode(completionTokens, false);
  }

  public static Evaluation evaluate(Environment environment, Problem problem, ThinkingMode mode, Tokenizer tokenizer,
      int[] completionTokens) {
    return environment.evaluate(problem, completionText(tokenizer, completionTokens), mode);
  }
}
