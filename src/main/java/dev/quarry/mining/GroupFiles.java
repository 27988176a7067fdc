package dev.quarry.mining;

import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileException;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.storage.window.WindowFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A finished group on the wire: its rows as a small window-format Parquet file (zstd), written and
 * read by the same code as the window file itself. Compact (the commitments JSON compresses well),
 * and every group the coordinator accepts has passed the window reader's checks.
 */
public final class GroupFiles {

  private GroupFiles() {}

  /** The rows of one group as Parquet bytes. */
  public static byte[] encode(String hotkey, long windowStart, int windowLength, double timestamp, List<RolloutRow> rows) {
    try {
      return WindowFileWriter.write(new WindowFile(hotkey, windowStart, windowLength, timestamp, rows));
    } catch (IOException exception) {
      throw new UncheckedIOException("cannot write a group of window " + windowStart, exception);
    }
  }

  /**
   * The rows of a group received from a node, checked to belong to {@code windowStart} and to the
   * one group {@code problemIndex}.
   */
  public static List<RolloutRow> decode(byte[] file, long windowStart, long problemIndex, int groupSize)
      throws WindowFileException {
    WindowFile group = WindowFileReader.read(file);
    List<RolloutRow> rows = group.rows();
    if (rows.size() != groupSize) {
      throw new WindowFileException("group " + problemIndex + " has " + rows.size() + " rows, not " + groupSize);
    }
    for (RolloutRow row : rows) {
      if (row.windowStart() != windowStart || row.rolloutGroup() != problemIndex) {
        throw new WindowFileException("group " + problemIndex + " of window " + windowStart + " holds a row of group "
            + row.rolloutGroup() + " of window " + row.windowStart());
      }
    }
    return rows;
  }
}
