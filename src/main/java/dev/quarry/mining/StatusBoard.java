package dev.quarry.mining;

import dev.quarry.http.MinerPhase;
import dev.quarry.http.MinerStatus;
import dev.quarry.http.Readiness;
import dev.quarry.http.StatusSource;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's copy of the cluster's mining status: the coordinator publishes a snapshot about once a
 * second to every node, so {@code /status} answers the same on any node, from an atomic reference
 * (no actor is asked on the request thread). Also this node's readiness for {@code /ready}.
 */
public final class StatusBoard implements StatusSource {

  private final AtomicReference<MinerStatus> status;
  private volatile String nodeIdle = "";

  public StatusBoard(String version, int netuid, String hotkey) {
    MinerStatus starting = MinerStatus.starting(version, netuid, Instant.now());
    this.status = new AtomicReference<>(new MinerStatus(starting.time(), version, hotkey, netuid, MinerPhase.STARTING, null,
        null, null, null, 0, 0, 0, 0, 0.0, null, java.util.List.of(), null, null));
  }

  /** The latest snapshot, with its time set to now. */
  @Override
  public MinerStatus current() {
    return status.get();
  }

  /** Replaces the snapshot (from the coordinator). */
  public void update(MinerStatus snapshot) {
    status.set(snapshot);
  }

  /** Why this node is not mining the current window, or empty. */
  public void nodeIdle(String reason) {
    nodeIdle = reason == null ? "" : reason;
  }

  /** Ready once the coordinator reports a window with a checkpoint and this node is not idle. */
  public Readiness readiness() {
    MinerStatus snapshot = status.get();
    if (!nodeIdle.isEmpty()) {
      return Readiness.notReady(nodeIdle);
    }
    if (snapshot.phase() == MinerPhase.STARTING) {
      return Readiness.notReady("waiting for the mining coordinator");
    }
    if (snapshot.phase() == MinerPhase.STOPPING) {
      return Readiness.notReady("stopping");
    }
    if (snapshot.checkpointWindow() == null) {
      return Readiness.notReady("waiting for the first checkpoint");
    }
    return Readiness.ready("mining window " + snapshot.windowStart() + " with checkpoint " + snapshot.checkpointWindow());
  }
}
