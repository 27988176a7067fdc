package dev.quarry.mining;

import dev.quarry.http.Readiness;
import dev.quarry.http.StatusSource;
import dev.quarry.mining.coordinator.MiningCoordinator;
import dev.quarry.mining.worker.NodeAgent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The Grail miner on one cluster node: the entry point other areas (the command line, the node
 * bootstrap) call. On a node with the {@code coordinator} role it takes part in the mining
 * coordinator singleton; on a node with the {@code worker} role it runs a node agent with its
 * devices. A single machine has both roles and mines on its own.
 *
 * <pre>{@code
 * MiningNode miner = MiningNode.start(system, setup);      // system: joined (or joining) the cluster
 * ManagementServer.start(system, settings, miner.status(), miner::readiness, setup.metrics());
 * }</pre>
 *
 * Stopping the actor system stops the miner; a coordinator node that leaves the cluster hands the
 * singleton over to the next coordinator node.
 */
public final class MiningNode {

  /** The role whose nodes generate rollouts. */
  public static final String WORKER_ROLE = "worker";

  private final StatusBoard board;
  private final String node;
  private final List<String> roles;
  private final Optional<ActorRef<MiningProtocol.AgentCommand>> agent;
  private final ActorRef<MiningProtocol.CoordinatorCommand> coordinator;

  private MiningNode(StatusBoard board, String node, List<String> roles, Optional<ActorRef<MiningProtocol.AgentCommand>> agent,
      ActorRef<MiningProtocol.CoordinatorCommand> coordinator) {
    this.board = board;
    this.node = node;
    this.roles = roles;
    this.agent = agent;
    this.coordinator = coordinator;
  }

  /**
   * Starts this node's part of the miner in {@code system} (a cluster actor system configured by
   * {@code ClusterConfiguration}; its roles come from {@code pekko.cluster.roles}).
   */
  public static MiningNode start(ActorSystem<?> system, MinerSetup setup) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(setup, "setup");
    Cluster cluster = Cluster.get(system);
    String node = cluster.selfMember().address().toString();
    List<String> roles = cluster.selfMember().getRoles().stream().filter(role -> !role.startsWith("dc-")).sorted().toList();
    StatusBoard board = new StatusBoard(setup.version(), setup.netuid(), setup.hotkey().ss58Address());
    ActorRef<MiningProtocol.CoordinatorCommand> coordinator = ClusterSingleton.get(system).init(
        SingletonActor.of(MiningCoordinator.create(setup, board), MiningCoordinator.SINGLETON_NAME)
            .withSettings(ClusterSingletonSettings.create(system).withRole(MiningCoordinator.ROLE)));
    Optional<ActorRef<MiningProtocol.AgentCommand>> agent = Optional.empty();
    if (roles.contains(WORKER_ROLE)) {
      agent = Optional.of(system.systemActorOf(NodeAgent.create(setup, coordinator, board, node, roles), "quarry-mining-node",
          Props.empty()));
    }
    return new MiningNode(board, node, roles, agent, coordinator);
  }

  /** This node's {@code /status} source. */
  public StatusSource status() {
    return board;
  }

  /** This node's {@code /ready} answer. */
  public Readiness readiness() {
    return board.readiness();
  }

  /** This node's cluster address, as status and events name it. */
  public String node() {
    return node;
  }

  public List<String> roles() {
    return roles;
  }

  /** Whether this node generates (has the worker role). */
  public boolean works() {
    return agent.isPresent();
  }

  /** The coordinator singleton's proxy on this node. */
  public ActorRef<MiningProtocol.CoordinatorCommand> coordinator() {
    return coordinator;
  }
}
