package dev.quarry.http;

import java.time.Instant;
import java.util.List;

/**
 * The miner's state as {@code /status} shows it: the current window and how far it got, throughput,
 * the chain position, each node's and device's load, drand, and the last upload. Everything here is
 * public information (the hotkey is an SS58 address); never put a secret in it.
 *
 * <p>Nullable fields are {@code null} until known (e.g. {@code windowStart} before the first window).
 *
 * @param time when this snapshot was taken
 * @param version Quarry's version
 * @param hotkey the miner's SS58 hotkey address, or null before the wallet is loaded
 * @param netuid the subnet
 * @param phase what the miner is doing
 * @param windowStart first block of the current window
 * @param checkpointWindow the trainer checkpoint in use
 * @param currentBlock the latest block seen
 * @param blocksLeft blocks until the window's upload deadline
 * @param problems problems attempted in the window
 * @param groups complete 16-rollout groups in the window
 * @param rollouts rollouts in the window
 * @param tokens completion tokens generated in the window
 * @param tokensPerSecond cluster-wide generation rate, recent average
 * @param drand whether the window mixes a drand beacon
 * @param nodes one entry per cluster node
 * @param lastUpload the most recent upload attempt
 * @param lastError the most recent error worth an operator's attention, one line
 * @param droppedGroups groups of the current window left out of the file, by reason (lower-case
 *     reason names such as {@code short_completion} or {@code deadline})
 */
public record MinerStatus(
    Instant time,
    String version,
    String hotkey,
    int netuid,
    MinerPhase phase,
    Long windowStart,
    Long checkpointWindow,
    Long currentBlock,
    Integer blocksLeft,
    int problems,
    int groups,
    int rollouts,
    long tokens,
    double tokensPerSecond,
    DrandStatus drand,
    List<NodeLoad> nodes,
    UploadStatus lastUpload,
    String lastError,
    java.util.Map<String, Integer> droppedGroups) {

  public MinerStatus {
    nodes = List.copyOf(nodes);
    droppedGroups = droppedGroups == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(droppedGroups));
  }

  /** A status without drop counts (for services other than the Grail miner). */
  public MinerStatus(Instant time, String version, String hotkey, int netuid, MinerPhase phase, Long windowStart,
      Long checkpointWindow, Long currentBlock, Integer blocksLeft, int problems, int groups, int rollouts, long tokens,
      double tokensPerSecond, DrandStatus drand, List<NodeLoad> nodes, UploadStatus lastUpload, String lastError) {
    this(time, version, hotkey, netuid, phase, windowStart, checkpointWindow, currentBlock, blocksLeft, problems, groups,
        rollouts, tokens, tokensPerSecond, drand, nodes, lastUpload, lastError, java.util.Map.of());
  }

  /** The status before any miner exists: phase {@link MinerPhase#STARTING}, nothing known. */
  public static MinerStatus starting(String version, int netuid, Instant time) {
    return new MinerStatus(time, version, null, netuid, MinerPhase.STARTING, null, null, null, null, 0, 0, 0, 0, 0.0,
        null, List.of(), null, null);
  }

  /** drand for the current window: whether a verified beacon was mixed in, its round, or why not. */
  public record DrandStatus(boolean useDrand, Long round, String reason) {}

  /**
   * One cluster node.
   *
   * @param node the node's address or name
   * @param roles its cluster roles
   * @param reachable whether the cluster currently sees it
   * @param tokensPerSecond its generation rate
   * @param devices its devices
   */
  public record NodeLoad(String node, List<String> roles, boolean reachable, double tokensPerSecond, List<DeviceLoad> devices) {
    public NodeLoad {
      roles = List.copyOf(roles);
      devices = List.copyOf(devices);
    }
  }

  /**
   * One device.
   *
   * @param device {@code cpu} or {@code gpu:N}
   * @param utilization busy share over the last interval, 0 to 1
   * @param memoryUsedBytes memory in use, or -1 when unknown
   * @param memoryTotalBytes memory available, or -1 when unknown
   * @param tokensPerSecond its generation rate
   * @param activeSequences sequences it is generating now
   */
  public record DeviceLoad(
      String device, double utilization, long memoryUsedBytes, long memoryTotalBytes, double tokensPerSecond, int activeSequences) {}

  /**
   * The last upload attempt.
   *
   * @param windowStart the window it belongs to
   * @param objectKey the S3 key (public: it is the file name validators look up)
   * @param bytes file size
   * @param rollouts rows in the file
   * @param finishedAt when the attempt ended
   * @param durationMillis how long it took
   * @param succeeded whether the object was stored
   * @param failure one-line reason when it failed, else null
   */
  public record UploadStatus(
      long windowStart, String objectKey, long bytes, int rollouts, Instant finishedAt, long durationMillis, boolean succeeded,
      String failure) {}
}
