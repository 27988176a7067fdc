package dev.quarry.env;

import java.util.List;

/**
 * Random access to a dataset split's items, in the dataset's order. Implementations load the HF
 * files (Parquet/JSONL); {@link DatasetSplits} derives the reference's train/validation views.
 *
 * @param <T> the item type
 */
public interface TaskSource<T> {

  int size();

  /** The item at {@code index}, {@code 0 <= index < size()}. */
  T get(int index);

  /** A source over an in-memory list. */
  static <T> TaskSource<T> of(List<T> items) {
    List<T> copy = List.copyOf(items);
    return new TaskSource<>() {
      @Override
      public int size() {
        return copy.size();
      }

      @Override
      public T get(int index) {
        return copy.get(index);
      }
    };
  }
}
