package dev.quarry.validator.checks;

import dev.quarry.grail.protocol.GrpoAdvantages;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The GRPO group checks after the per-row checks ({@code MinerValidator._validate_grpo_groups}), over
 * the checked rows grouped by {@code rollout_group} in the order they were checked: exactly 16 rows,
 * advantages summing to within 0.01 of zero, and each advantage within 1e-3 of
 * {@code (r − mean) / max(1e-8, population std)} of the group's claimed rewards. The verdict is
 * {@link GrpoAdvantages#check}'s; this class adds the row and the numbers.
 */
public final class GrpoGroupCheck {

  private final ProtocolParameters parameters;

  public GrpoGroupCheck(ProtocolParameters parameters) {
    this.parameters = parameters;
  }

  /** The first failing group's rejection, or empty when every group passes. */
  public Optional<Rejection> check(List<RowUnderTest> checkedRows) {
    Map<Long, List<RowUnderTest>> groups = new LinkedHashMap<>();
    for (RowUnderTest row : checkedRows) {
      groups.computeIfAbsent(row.row().rolloutGroup(), group -> new ArrayList<>()).add(row);
    }
    int expected = parameters.rollouts().rolloutsPerProblem();
    for (Map.Entry<Long, List<RowUnderTest>> group : groups.entrySet()) {
      List<RowUnderTest> rows = group.getValue();
      double[] rewards = new double[rows.size()];
      double[] advantages = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        rewards[i] = rows.get(i).rollout().totalReward();
        advantages[i] = rows.get(i).rollout().advantage();
      }
      if (GrpoAdvantages.check(rewards, advantages, parameters).valid()) {
        continue;
      }
      int firstRow = rows.get(0).index();
      if (rows.size() != expected) {
        return Optional.of(Rejection.ofRow(Check.GRPO_GROUPS, firstRow, "rollout_group " + group.getKey() + " has "
            + rows.size() + " checked rows, expected " + expected));
      }
      double sum = PythonFloats.sum(advantages);
      double sumTolerance = parameters.validation().advantageSumTolerance();
      double[] recomputed = GrpoAdvantages.recomputeForCheck(rewards);
      if (Math.abs(sum) > sumTolerance) {
        int worst = 0;
        for (int i = 1; i < rows.size(); i++) {
          if (Math.abs(advantages[i] - recomputed[i]) > Math.abs(advantages[worst] - recomputed[worst])) {
            worst = i;
          }
        }
        return Optional.of(Rejection.ofRow(Check.GRPO_GROUPS, rows.get(worst).index(), String.format(Locale.ROOT,
            "rollout_group %d: advantages sum to %s, more than %s from 0; this row's advantage %s differs most from the %s "
                + "its reward gives", group.getKey(), PythonFloats.repr(sum), sumTolerance, PythonFloats.repr(advantages[worst]),
            PythonFloats.repr(recomputed[worst]))));
      }
      double tolerance = parameters.validation().advantageTolerance();
      for (int i = 0; i < rows.size(); i++) {
        if (!(Math.abs(advantages[i] - recomputed[i]) <= tolerance)) {
          return Optional.of(Rejection.ofRow(Check.GRPO_GROUPS, rows.get(i).index(), String.format(Locale.ROOT,
              "rollout_group %d: advantage %s but the group's rewards give %s (tolerance %s)", group.getKey(),
              PythonFloats.repr(advantages[i]), PythonFloats.repr(recomputed[i]), tolerance)));
        }
      }
      return Optional.of(Rejection.ofRow(Check.GRPO_GROUPS, firstRow, "rollout_group " + group.getKey()
          + " fails the GRPO advantage check"));
    }
    return Optional.empty();
  }
}
