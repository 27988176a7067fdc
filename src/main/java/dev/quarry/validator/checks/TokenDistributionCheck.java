package dev.quarry.validator.checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code token_distribution_valid} ({@code DistributionValidator}, a soft check): the probability
 * of each chosen completion token under the checkpoint's repetition penalty and temperature (no
 * top-k/top-p) should look like sampling from this model. Needs at least 30 steps; suspicious when
 * the median is at most 0.30, the minimum at most 1e-5, the 10 % quantile at most 0.025, or the 10 %
 * quantile of the first 50 steps at most 0.025.
 */
public final class TokenDistributionCheck {

  /** {@code SAMPLING_MIN_STEPS}, {@code SAMPLING_MEDIAN_LOW_MAX}, … of {@code grail/protocol/constants.py}. */
  public record Thresholds(int minSteps, double medianLowMax, double minTokenProbability, double lowQ10Max,
      int initialWindowSteps) {
    public static Thresholds v5() {
      return new Thresholds(30, 0.30, 1e-5, 0.025, 50);
    }
  }

  private final Thresholds thresholds;

  public TokenDistributionCheck(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * @param chosenProbabilities the processed probability of each completion token, in order, or null
   *     when the forward pass did not run
   */
  public CheckResult check(RowUnderTest row, float[] chosenProbabilities) {
    if (chosenProbabilities == null || chosenProbabilities.length < thresholds.minSteps()) {
      int steps = chosenProbabilities == null ? 0 : chosenProbabilities.length;
      return CheckResult.fail(Check.TOKEN_DISTRIBUTION, row.index(), "only " + steps + " completion steps, at least "
          + thresholds.minSteps() + " needed");
    }
    double[] probabilities = new double[chosenProbabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = chosenProbabilities[i];
    }
    double median = PythonStatistics.median(probabilities);
    double q10 = PythonStatistics.quantile(probabilities, 0.10);
    double min = PythonStatistics.min(probabilities);
    double initialQ10 = PythonStatistics.quantile(
        Arrays.copyOf(probabilities, Math.min(thresholds.initialWindowSteps(), probabilities.length)), 0.10);
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("distribution_median", median);
    measures.put("distribution_q10", q10);
    measures.put("distribution_min", min);
    measures.put("distribution_initial_q10", initialQ10);
    List<String> reasons = new ArrayList<>();
    if (median <= thresholds.medianLowMax()) {
      reasons.add(String.format(Locale.ROOT, "median %.4f <= %s", median, thresholds.medianLowMax()));
    }
    if (min <= thresholds.minTokenProbability()) {
      reasons.add(String.format(Locale.ROOT, "min %.3g <= %s", min, thresholds.minTokenProbability()));
    }
    if (q10 <= thresholds.lowQ10Max()) {
      reasons.add(String.format(Locale.ROOT, "q10 %.4f <= %s", q10, thresholds.lowQ10Max()));
    }
    if (initialQ10 <= thresholds.lowQ10Max()) {
      reasons.add(String.format(Locale.ROOT, "q10 of the first %d steps %.4f <= %s",
          Math.min(thresholds.initialWindowSteps(), probabilities.length), initialQ10, thresholds.lowQ10Max()));
    }
    if (reasons.isEmpty()) {
      return CheckResult.pass(Check.TOKEN_DISTRIBUTION, measures);
    }
    return CheckResult.fail(Check.TOKEN_DISTRIBUTION, row.index(), "chosen-token probabilities look unlike sampling from "
        + "the checkpoint: " + String.join(", ", reasons), measures);
  }
}
