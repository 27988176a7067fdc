package dev.quarry.validator.checks;

import java.util.Objects;

/**
 * The validator's own forward pass at the challenged positions of one row: the absolute positions
 * ({@code indices_from_root_in_range} over the completion, from the validator's window randomness)
 * and the last hidden state (final-norm output) at each of them.
 *
 * @param positions challenged absolute positions, ascending
 * @param hiddenStates {@code hiddenStates[i]} is the hidden state at {@code positions[i]}
 */
public record ChallengedStates(int[] positions, float[][] hiddenStates) {

  public ChallengedStates {
    Objects.requireNonNull(positions, "positions");
    Objects.requireNonNull(hiddenStates, "hiddenStates");
    if (positions.length != hiddenStates.length) {
      throw new IllegalArgumentException(positions.length + " positions but " + hiddenStates.length + " hidden states");
    }
  }
}
