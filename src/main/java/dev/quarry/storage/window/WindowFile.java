package dev.quarry.storage.window;

import java.util.List;
import java.util.Objects;

/**
 * A window's rollouts with the file-level metadata stored in the Parquet footer: {@code wallet}
 * (the miner's hotkey, checked by validators), {@code window_start} (checked), {@code window_length},
 * {@code inference_count} (the writer stores the row count) and {@code timestamp} (unix seconds).
 */
public record WindowFile(String wallet, long windowStart, int windowLength, double timestamp, List<RolloutRow> rows) {

  public WindowFile {
    Objects.requireNonNull(wallet, "wallet");
    rows = List.copyOf(rows);
  }

  /** The footer's {@code inference_count}: always the number of rows for files we write. */
  public int inferenceCount() {
    return rows.size();
  }
}
