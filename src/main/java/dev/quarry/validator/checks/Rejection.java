package dev.quarry.validator.checks;

import java.util.Objects;

/**
 * Why a check failed: the check, the row (its position in the file, from 0; null for file-level and
 * window-level checks) and a reason that carries the numbers, e.g.
 * {@code proof_valid, row 5: position 118 distance 9120 > tolerance 6054}.
 */
public record Rejection(Check check, Integer row, String reason) {

  public Rejection {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(reason, "reason");
  }

  public static Rejection ofFile(Check check, String reason) {
    return new Rejection(check, null, reason);
  }

  public static Rejection ofRow(Check check, int row, String reason) {
    return new Rejection(check, row, reason);
  }

  @Override
  public String toString() {
    return check.key() + (row == null ? "" : ", row " + row) + ": " + reason;
  }
}
