package dev.quarry.validator.checks;

import dev.quarry.env.Evaluation;
import dev.quarry.env.UnscorableCompletionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code env_eval_valid} ({@code EnvironmentEvaluationValidator}): the environment re-scores the
 * decoded completion; the check fails only if scoring throws (a wrong answer is a low reward, not a
 * failure). The reward it returns feeds {@link RewardCheck}.
 */
public final class EnvironmentEvaluationCheck {

  /** The verdict and, when scoring worked, the environment's evaluation. */
  public record Outcome(CheckResult result, Evaluation evaluation) {}

  private EnvironmentEvaluationCheck() {}

  public static Outcome check(RowUnderTest row, Supplier<Evaluation> evaluate) {
    Evaluation evaluation;
    try {
      evaluation = evaluate.get();
    } catch (UnscorableCompletionException unscorable) {
      String why = unscorable.reason() == UnscorableCompletionException.Reason.INFRASTRUCTURE
          ? " (an evaluator infrastructure error on this validator; a retry may score it)" : "";
      return new Outcome(CheckResult.fail(Check.ENV_EVAL, row.index(), "the environment cannot score the completion: "
          + unscorable.getMessage() + why), null);
    } catch (RuntimeException failure) {
      return new Outcome(CheckResult.fail(Check.ENV_EVAL, row.index(), "the environment raised "
          + failure.getClass().getSimpleName() + ": " + failure.getMessage()), null);
    }
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("env_reward", evaluation.reward());
    measures.put("env_success", evaluation.success());
    return new Outcome(CheckResult.pass(Check.ENV_EVAL, measures), evaluation);
  }
}
