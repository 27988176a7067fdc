package dev.quarry.env;

import java.util.Objects;

/**
 * A dataset item chosen by seed.
 *
 * @param split the split it came from
 * @param index its position in that split ({@code metadata.index})
 * @param item the item
 * @param <T> the item type
 */
public record DatasetTask<T>(DatasetSplits.Split split, int index, T item) implements ProblemDetails {
  public DatasetTask {
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(item, "item");
  }
}
