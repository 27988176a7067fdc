package dev.quarry.validator.checks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One check's verdict on one row: passed, or the {@link Rejection}; plus the numbers it measured
 * (e.g. the largest sketch distance, the median log-probability deviation), which the per-row
 * report shows whether the check passed or not.
 */
public record CheckResult(Check check, Rejection rejection, Map<String, Object> measures) {

  public CheckResult {
    Objects.requireNonNull(check, "check");
    measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
    if (rejection != null && rejection.check() != check) {
      throw new IllegalArgumentException("a " + check + " result cannot carry a " + rejection.check() + " rejection");
    }
  }

  public static CheckResult pass(Check check, Map<String, Object> measures) {
    return new CheckResult(check, null, measures);
  }

  public static CheckResult pass(Check check) {
    return new CheckResult(check, null, Map.of());
  }

  public static CheckResult fail(Check check, int row, String reason, Map<String, Object> measures) {
    return new CheckResult(check, Rejection.ofRow(check, row, reason), measures);
  }

  public static CheckResult fail(Check check, int row, String reason) {
    return fail(check, row, reason, Map.of());
  }

  public boolean passed() {
    return rejection == null;
  }
}
