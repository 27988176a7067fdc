package dev.quarry.validator;

import dev.quarry.validator.checks.Rejection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the checks found on one checked row.
 *
 * @param row the row's position in the file, from 0
 * @param rolloutGroup its {@code rollout_group}
 * @param nonce its {@code nonce}
 * @param outcome how the row fared
 * @param failure the hard failure (or the soft failure that tripped the gate, or the processing
 *     error), null when the row is valid
 * @param softFailures soft checks that failed on this row without tripping the gate
 * @param measures what the checks measured (sketch distances, log-probability deviation, EOS
 *     probability, rewards, distribution statistics), by stable name
 */
public record RowReport(int row, long rolloutGroup, long nonce, Outcome outcome, Rejection failure,
    List<Rejection> softFailures, Map<String, Object> measures) {

  /** How a checked row fared. */
  public enum Outcome {
    /** Every hard check passed and no soft gate tripped here (soft failures may be listed). */
    VALID,
    /** A hard check failed: the miner is rejected. */
    FAILED,
    /** A soft check failed here and its count reached the gate: the miner is rejected. */
    SOFT_GATE,
    /** Checking the row raised an unexpected error; it counts as checked, not valid (as in the reference). */
    ERROR;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public RowReport {
    Objects.requireNonNull(outcome, "outcome");
    softFailures = List.copyOf(softFailures);
    measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
  }
}
