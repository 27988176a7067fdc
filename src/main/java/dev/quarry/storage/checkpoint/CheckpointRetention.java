package dev.quarry.storage.checkpoint;

import java.util.TreeSet;

/**
 * Which checkpoint windows to keep ({@code grail/shared/retention_utils.py}): the first ten windows
 * (bootstrap), everything from the previous anchor to now (a FULL is published every
 * {@code DELTA_BASE_INTERVAL} = 10 windows, so anchors sit every 300 blocks and every delta chain
 * stays complete), and milestones when an interval is configured (0 by default: none).
 */
public record CheckpointRetention(int windowLength, int anchorIntervalWindows, int milestoneIntervalWindows,
    int bootstrapWindows) {

  public static CheckpointRetention defaults() {
    return new CheckpointRetention(30, 10, 0, 10);
  }

  /** Blocks between FULL anchors. */
  public long anchorStride() {
    return (long) Math.max(1, anchorIntervalWindows) * windowLength;
  }

  public boolean isAnchor(long window) {
    return window % anchorStride() == 0;
  }

  public long anchorOf(long window) {
    return (window / anchorStride()) * anchorStride();
  }

  /** {@code compute_retention_windows(current_window)}. */
  public TreeSet<Long> windowsToKeep(long currentWindow) {
    TreeSet<Long> keep = new TreeSet<>();
    if (currentWindow < 0) {
      return keep;
    }
    for (long window = 0; window < (long) bootstrapWindows * windowLength; window += windowLength) {
      if (window <= currentWindow) {
        keep.add(window);
      }
    }
    long currentAnchor = anchorOf(currentWindow);
    long previousAnchor = Math.max(0, currentAnchor - anchorStride());
    for (long window = previousAnchor; window < currentWindow + windowLength; window += windowLength) {
      keep.add(window);
    }
    if (milestoneIntervalWindows > 0) {
      long interval = (long) milestoneIntervalWindows * windowLength;
      for (long window = 0; window <= currentWindow; window += interval) {
        keep.add(window);
      }
    }
    return keep;
  }
}
