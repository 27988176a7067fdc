package dev.quarry.mining;

import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.http.MinerStatus;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages between the coordinator (the cluster singleton) and the node agents (one per
 * worker node). Every one of them may cross the network, so each is a {@link MiningMessage}.
 *
 * <p>The conversation for a window:
 *
 * <ol>
 *   <li>the coordinator sends {@link WindowOpened} with the {@link WindowPlan} to every agent;
 *   <li>each agent prepares the checkpoint and its devices, then pulls problem indices one at a
 *       time with {@link RequestWork} as its pipeline has room ({@link Granted}, {@link Wait} or
 *       {@link NoMoreWork} in reply) — work pulling, so a fast node simply asks more often;
 *   <li>each finished group goes to the coordinator as {@link GroupFinished} (a 16-row Parquet
 *       file) and stays in the agent's ledger; a failed one as {@link GroupDropped} with its reason;
 *   <li>the coordinator writes and uploads the window file, then sends {@link WindowClosed}, after
 *       which agents forget the window.
 * </ol>
 *
 * <p>A coordinator that starts (first start, or after its node died) sends {@link Survey} to every
 * agent: each answers with a {@link SurveyReply} (the plans it holds, the highest index it was
 * granted, the groups it finished) and sends every finished group again. The new coordinator
 * adopts the plan, continues numbering after the highest granted index, and collects the groups
 * again, so a group finished on a surviving node is never lost and no index is handed out twice.
 */
public final class MiningProtocol {

  private MiningProtocol() {}

  /** Everything the coordinator accepts (its internal messages implement it too). */
  public interface CoordinatorCommand {}

  /** Everything a node agent accepts (its internal messages implement it too). */
  public interface AgentCommand {}

  // ------------------------------------------------------------------ agent -> coordinator

  /** An agent's pipeline has room for one more problem of window {@code windowStart}. */
  public record RequestWork(long windowStart, String node, ActorRef<WorkAnswer> replyTo)
      implements CoordinatorCommand, MiningMessage {
    public RequestWork {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The answer to {@link RequestWork}. */
  public sealed interface WorkAnswer extends MiningMessage permits Granted, Wait, NoMoreWork {
    long windowStart();
  }

  /**
   * Mine problem {@code problemIndex} (its {@code rollout_group}; nonces follow from it).
   *
   * @param block the chain head when it was granted (the rows' informational {@code block})
   */
  public record Granted(long windowStart, long problemIndex, long block) implements WorkAnswer {}

  /** Nothing to hand out yet (the window is being planned or recovered); ask again after the delay. */
  public record Wait(long windowStart, long retryAfterMillis, String reason) implements WorkAnswer {}

  /** Generation for the window is over (deadline rule, window closed, or unknown window). */
  public record NoMoreWork(long windowStart, String reason) implements WorkAnswer {}

  /**
   * A complete, signed group.
   *
   * @param groupFile the group's 16 rows as a window-format Parquet file
   * @param completionTokens completion tokens over the group
   * @param seconds from being granted to being finished
   * @param device the device that generated it
   */
  public record GroupFinished(long windowStart, long problemIndex, String node, byte[] groupFile, int rollouts,
      long completionTokens, double seconds, String device) implements CoordinatorCommand, MiningMessage {
    public GroupFinished {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(groupFile, "groupFile");
    }
  }

  /** A group that will not be in the file, and why. */
  public record GroupDropped(long windowStart, long problemIndex, String node, GroupOutcome.DropReason reason,
      String detail, double seconds) implements CoordinatorCommand, MiningMessage {
    public GroupDropped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** What an agent holds for one window. */
  public record WindowHolding(WindowPlan plan, long highestGranted, List<Long> finishedGroups) implements MiningMessage {
    public WindowHolding {
      finishedGroups = List.copyOf(finishedGroups);
    }
  }

  /**
   * An agent's answer to {@link Survey}; its finished groups follow as {@link GroupFinished} messages.
   *
   * @param groupSeconds this node's recent time from grant to finished group (moving average), or 0
   *     when it has none; a new coordinator starts its timing estimate from it
   */
  public record SurveyReply(long epoch, String node, ActorRef<AgentCommand> agent, List<WindowHolding> windows, double groupSeconds)
      implements CoordinatorCommand, MiningMessage {
    public SurveyReply {
      windows = List.copyOf(windows);
    }
  }

  /**
   * A node's load, sent every second or so.
   *
   * @param idleReason why the node is not mining the current window (e.g. it cannot serve the
   *     environment), or empty
   */
  public record NodeLoadReport(String node, List<String> roles, double tokensPerSecond, List<MinerStatus.DeviceLoad> devices,
      String idleReason, ActorRef<AgentCommand> agent) implements CoordinatorCommand, MiningMessage {
    public NodeLoadReport {
      roles = List.copyOf(roles);
      devices = List.copyOf(devices);
      Objects.requireNonNull(idleReason, "idleReason");
    }
  }

  // ------------------------------------------------------------------ coordinator -> agent

  /** Mine this window. Sent again to agents that join mid-window; agents ignore repeats. */
  public record WindowOpened(WindowPlan plan) implements AgentCommand, MiningMessage {}

  /** The window is over (uploaded, or given up): stop its pipeline and forget its groups. */
  public record WindowClosed(long windowStart, String outcome) implements AgentCommand, MiningMessage {}

  /** A coordinator (identified by {@code epoch}) asks what this agent holds. */
  public record Survey(long epoch, ActorRef<CoordinatorCommand> replyTo) implements AgentCommand, MiningMessage {}

  /** The cluster's status, so every node's {@code /status} shows it. */
  public record StatusUpdate(MinerStatus status) implements AgentCommand, MiningMessage {}
}
