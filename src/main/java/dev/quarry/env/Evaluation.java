package dev.quarry.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment's verdict on one completion.
 *
 * @param reward the total reward the rollout claims ({@code commit.rollout.total_reward})
 * @param success whether the problem was solved (informational for validators)
 * @param components the unweighted reward components in the reference's order, by name
 */
public record Evaluation(double reward, boolean success, Map<String, Double> components) {
  public Evaluation {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }
}
