package dev.quarry.mining;

/**
 * Notifications from a mining node, for the command line's summary and for tests. Called on actor
 * threads: implementations must be quick and must not block. Each node reports what happened on it:
 * groups on the node that finished them, windows on the node the coordinator ran on.
 */
public interface MiningEvents {

  /** No-op listener. */
  MiningEvents NONE = new MiningEvents() {};

  /** This node received the plan of a window. */
  default void windowOpened(String node, WindowPlan plan) {}

  /** The coordinator handed this node a problem. */
  default void problemGranted(String node, long windowStart, long problemIndex) {}

  /** This node finished a complete group and handed it to the coordinator. */
  default void groupFinished(String node, long windowStart, long problemIndex) {}

  /** This node dropped a group. */
  default void groupDropped(String node, long windowStart, long problemIndex, String reason) {}

  /** The coordinator (on this node) finished a window. */
  default void windowFinished(WindowReport report) {}
}
