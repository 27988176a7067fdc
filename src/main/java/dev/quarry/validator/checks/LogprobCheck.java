package dev.quarry.validator.checks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code logprobs_valid} ({@code LogprobValidator}): {@code token_logprobs} has one entry per token,
 * and over the challenged positions the median of {@code exp(|model_lp − miner_lp|) − 1} is at most
 * 0.10, where {@code model_lp} is the fp32 {@code log_softmax} of the validator's logits at the
 * previous position.
 */
public final class LogprobCheck {

  private final int challengeK;
  private final double maxMedianDeviation;

  public LogprobCheck(int challengeK, double maxMedianDeviation) {
    this.challengeK = challengeK;
    this.maxMedianDeviation = maxMedianDeviation;
  }

  /**
   * @param positions the challenged absolute positions (as for the proof)
   * @param validatorCompletionLogprobs the validator's log-probability of each completion token
   *     (index {@code p − prompt_length}), or null when the forward pass did not run
   */
  public CheckResult check(RowUnderTest row, int[] positions, float[] validatorCompletionLogprobs) {
    int tokenCount = row.commit().tokenCount();
    int promptLength = row.rollout().promptLength();
    int completionLength = row.rollout().completionLength();
    if (completionLength < challengeK) {
      return CheckResult.fail(Check.LOGPROBS, row.index(), "completion has " + completionLength + " tokens, fewer than "
          + challengeK);
    }
    if (row.rollout().tokenLogprobCount() != tokenCount) {
      return CheckResult.fail(Check.LOGPROBS, row.index(), "token_logprobs has " + row.rollout().tokenLogprobCount()
          + " entries for " + tokenCount + " tokens (prompt zeros plus one per completion token)");
    }
    if (validatorCompletionLogprobs == null || positions == null || positions.length != challengeK) {
      return CheckResult.fail(Check.LOGPROBS, row.index(), "the challenged positions could not all be resolved");
    }
    double[] deviations = new double[positions.length];
    double worst = -1;
    int worstPosition = -1;
    for (int i = 0; i < positions.length; i++) {
      int position = positions[i];
      int offset = position - promptLength;
      if (offset < 0 || offset >= validatorCompletionLogprobs.length) {
        return CheckResult.fail(Check.LOGPROBS, row.index(), "challenged position " + position + " has no log-probability");
      }
      double model = validatorCompletionLogprobs[offset];
      double miner = row.rollout().tokenLogprob(position);
      double difference = Math.abs(model - miner);
      double deviation = Math.exp(difference) - 1.0;
      if (Double.isInfinite(deviation) && !Double.isInfinite(difference)) {
        // math.exp raises OverflowError here, which the reference's validator turns into a failure.
        return CheckResult.fail(Check.LOGPROBS, row.index(), String.format(Locale.ROOT,
            "position %d: claimed log-probability %s is %s away from the model's %s (exp overflows)", position,
            miner, difference, model));
      }
      deviations[i] = deviation;
      if (deviation > worst) {
        worst = deviation;
        worstPosition = position;
      }
    }
    double median = PythonStatistics.median(deviations);
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("logprob_median_deviation", median);
    measures.put("logprob_max_deviation", worst);
    measures.put("logprob_worst_position", worstPosition);
    if (median <= maxMedianDeviation) {
      return CheckResult.pass(Check.LOGPROBS, measures);
    }
    int worstOffset = worstPosition - promptLength;
    return CheckResult.fail(Check.LOGPROBS, row.index(), String.format(Locale.ROOT,
        "median exp(|Δlogprob|) − 1 over %d challenged positions is %.4f > %s; worst at position %d: claimed %.6f, model %.6f",
        positions.length, median, maxMedianDeviation, worstPosition, row.rollout().tokenLogprob(worstPosition),
        validatorCompletionLogprobs[worstOffset]), measures);
  }
}
