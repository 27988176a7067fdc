package dev.quarry.mining.coordinator;

import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.grail.protocol.WindowMath;
import dev.quarry.http.MinerPhase;
import dev.quarry.http.MinerStatus;
import dev.quarry.http.Metrics;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningProtocol;
import dev.quarry.mining.StatusBoard;
import dev.quarry.mining.WindowPlan;
import dev.quarry.mining.WindowReport;
import dev.quarry.mining.WindowTiming;
import dev.quarry.mining.worker.NodeAgent;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.window.WindowUploader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mining coordinator: the cluster singleton ({@value #SINGLETON_NAME}, on a node with the
 * {@value #ROLE} role) that is the one writer for the hotkey. It follows the chain's heads, opens a
 * {@link WindowSupervisor} for each window, routes the nodes' requests and groups to it, commits
 * the read credentials at start-up when the chain holds other ones, and publishes the cluster's
 * status to every node once a second.
 *
 * <p>Every incarnation has a random epoch. At start it surveys the node agents: what they hold for
 * open windows (the plan, the highest index granted, finished groups) becomes its state, so a
 * coordinator that replaces a dead one continues the window without losing a group finished on a
 * surviving node and without granting an index twice.
 */
public final class MiningCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(MiningCoordinator.class);

  /** The singleton's name. */
  public static final String SINGLETON_NAME = "mining";
  /** The cluster role the singleton runs on. */
  public static final String ROLE = "coordinator";

  private static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);
  private static final Duration START_RETRY = Duration.ofSeconds(2);
  private static final Duration NODE_REPORT_STALE = Duration.ofSeconds(5);

  private record Started(long head, Duration blockTime, Throwable failure) implements MiningProtocol.CoordinatorCommand {}

  private enum RetryStart implements MiningProtocol.CoordinatorCommand { INSTANCE }

  private record HeadSeen(BlockHead head, Instant at) implements MiningProtocol.CoordinatorCommand {}

  private record AgentsListed(Set<ActorRef<MiningProtocol.AgentCommand>> agents) implements MiningProtocol.CoordinatorCommand {}

  private record ChainNote(String message, boolean error, boolean credentialsInPlace) implements MiningProtocol.CoordinatorCommand {}

  private record SupervisorStopped(long windowStart) implements MiningProtocol.CoordinatorCommand {}

  private enum StatusTick implements MiningProtocol.CoordinatorCommand { INSTANCE }

  private record NodeSeen(MiningProtocol.NodeLoadReport report, Instant at) {}

  private MiningCoordinator() {}

  /**
   * The singleton's behavior (restarted on failure: a restart is a new incarnation that surveys the
   * nodes again).
   *
   * @param board this node's status board, updated directly as well as through the agents
   */
  public static Behavior<MiningProtocol.CoordinatorCommand> create(MinerSetup setup, StatusBoard board) {
    return Behaviors.<MiningProtocol.CoordinatorCommand>supervise(Behaviors.setup(context -> Behaviors.withTimers(timers ->
            Behaviors.withStash(10_000, stash -> new Starting(context, timers, stash, setup, board).begin()))))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  /** Before the chain has answered and the receptionist has listed the nodes: everything else waits. */
  private static final class Starting {
    private final ActorContext<MiningProtocol.CoordinatorCommand> context;
    private final TimerScheduler<MiningProtocol.CoordinatorCommand> timers;
    private final StashBuffer<MiningProtocol.CoordinatorCommand> stash;
    private final MinerSetup setup;
    private final StatusBoard board;
    private Started started;
    private Set<ActorRef<MiningProtocol.AgentCommand>> agents;

    Starting(ActorContext<MiningProtocol.CoordinatorCommand> context, TimerScheduler<MiningProtocol.CoordinatorCommand> timers,
        StashBuffer<MiningProtocol.CoordinatorCommand> stash, MinerSetup setup, StatusBoard board) {
      this.context = context;
      this.timers = timers;
      this.stash = stash;
      this.setup = setup;
      this.board = board;
    }

    Behavior<MiningProtocol.CoordinatorCommand> begin() {
      ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
          listing -> new AgentsListed(listing.getServiceInstances(NodeAgent.SERVICE_KEY)));
      context.getSystem().receptionist().tell(Receptionist.subscribe(NodeAgent.SERVICE_KEY, listings));
      measureChain();
      return Behaviors.receive(MiningProtocol.CoordinatorCommand.class)
          .onMessage(Started.class, this::onStarted)
          .onMessage(RetryStart.class, retry -> {
            measureChain();
            return Behaviors.same();
          })
          .onMessage(AgentsListed.class, listed -> {
            agents = listed.agents();
            return maybeRun();
          })
          .onAnyMessage(message -> {
            if (!stash.isFull()) {
              stash.stash(message);
            }
            return Behaviors.same();
          })
          .build();
    }

    /** The head, and the block time measured over the last ten blocks (the nominal one on a young chain). */
    private void measureChain() {
      CompletionStage<Started> measured = setup.chain().currentBlock().thenCompose(head -> {
        Duration nominal = Duration.ofSeconds(setup.protocol().windows().blockTimeSeconds());
        if (head < 10) {
          return CompletableFuture.completedFuture(new Started(head, nominal, null));
        }
        return setup.chain().blockTimestamp(head).thenCombine(setup.chain().blockTimestamp(head - 10), (now, before) -> {
          Duration measuredTime = Duration.between(before, now).dividedBy(10);
          return new Started(head, measuredTime.isNegative() || measuredTime.isZero() ? nominal : measuredTime, null);
        });
      });
      context.pipeToSelf(measured, (value, failure) -> failure == null ? value : new Started(-1, null, failure));
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onStarted(Started result) {
      if (result.failure() != null) {
        LOG.warn("the mining coordinator cannot read the chain yet ({}); retrying", result.failure().getMessage());
        setup.metrics().error(Metrics.Component.CHAIN);
        timers.startSingleTimer(RetryStart.INSTANCE, START_RETRY);
        return Behaviors.same();
      }
      started = result;
      return maybeRun();
    }

    private Behavior<MiningProtocol.CoordinatorCommand> maybeRun() {
      if (started == null || agents == null) {
        return Behaviors.same();
      }
      Running running = new Running(context, timers, setup, board, started.head(), started.blockTime(), agents);
      return stash.unstashAll(running);
    }
  }

  /** Following the chain and running windows. */
  private static final class Running extends AbstractBehavior<MiningProtocol.CoordinatorCommand> {

    private final MinerSetup setup;
    private final StatusBoard board;
    private final long epoch = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final WindowMath windows;
    private final CoordinatorContext shared;
    private final HeadSubscription subscription;
    private final Set<ActorRef<MiningProtocol.AgentCommand>> agents = new HashSet<>();
    private final Map<ActorRef<MiningProtocol.AgentCommand>, String> nodeNames = new HashMap<>();
    private final Map<String, NodeSeen> nodes = new TreeMap<>();
    private final TreeMap<Long, ActorRef<MiningProtocol.CoordinatorCommand>> supervisors = new TreeMap<>();
    private final Map<Long, WindowSupervisor.Progress> progress = new HashMap<>();
    private final Set<Long> finished = new HashSet<>();
    private final List<MiningProtocol.SurveyReply> surveyReplies = new ArrayList<>();
    private long head;
    private long lastOpened = -1;
    private boolean firstWindow = true;
    private WindowReport lastReport;
    private String lastError;
    private boolean credentialsCommitted;
    private long credentialsTriedAtWindow = -1;

    Running(ActorContext<MiningProtocol.CoordinatorCommand> context, TimerScheduler<MiningProtocol.CoordinatorCommand> timers,
        MinerSetup setup, StatusBoard board, long head, Duration blockTime, Set<ActorRef<MiningProtocol.AgentCommand>> agents) {
      super(context);
      this.setup = setup;
      this.board = board;
      this.head = head;
      this.windows = new WindowMath(setup.protocol());
      Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("quarry.dispatchers.blocking-io"));
      ObjectStore minerStore = ObjectStore.open(setup.minerBucket(), ObjectStore.Access.WRITE);
      WindowTiming timing = new WindowTiming(windows.windowLength(), setup.safetyBlocks(), blockTime);
      this.shared = new CoordinatorContext(setup, timing, minerStore, new WindowUploader(minerStore, setup.spoolDirectory()),
          new CheckpointSelector(setup.trainerBucket(), setup.checkpointCache()), blocking, windows.windowLength());
      ActorRef<MiningProtocol.CoordinatorCommand> self = context.getSelf();
      this.subscription = setup.chain().subscribeHeads(block -> self.tell(new HeadSeen(block, Instant.now())));
      timers.startTimerWithFixedDelay(StatusTick.INSTANCE, STATUS_INTERVAL);
      LOG.info("mining coordinator {} started on {} at block {} (block time {} ms, {} node(s))", Long.toHexString(epoch),
          context.getSystem().address(), head, blockTime.toMillis(), agents.size());
      reportSpooled();
      checkRegistration();
      updateAgents(agents);
      openWindow(windows.windowStart(Math.max(0, head)));
    }

    @Override
    public Receive<MiningProtocol.CoordinatorCommand> createReceive() {
      return newReceiveBuilder()
          .onMessage(HeadSeen.class, this::onHead)
          .onMessage(AgentsListed.class, listed -> {
            updateAgents(listed.agents());
            return this;
          })
          .onMessage(MiningProtocol.RequestWork.class, this::onRequestWork)
          .onMessage(MiningProtocol.GroupFinished.class, group -> route(group.windowStart(), group))
          .onMessage(MiningProtocol.GroupDropped.class, group -> route(group.windowStart(), group))
          .onMessage(MiningProtocol.SurveyReply.class, this::onSurveyReply)
          .onMessage(MiningProtocol.NodeLoadReport.class, this::onNodeLoad)
          .onMessage(WindowSupervisor.Progress.class, this::onProgress)
          .onMessage(WindowSupervisor.Finished.class, this::onWindowFinished)
          .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
          .onMessage(ChainNote.class, this::onChainNote)
          .onMessage(StatusTick.class, tick -> onStatusTick())
          .onMessage(Started.class, ignored -> this)
          .onMessage(RetryStart.class, ignored -> this)
          .onSignal(PostStop.class, signal -> onStop())
          .build();
    }

    // ---------------------------------------------------------------- chain

    private Behavior<MiningProtocol.CoordinatorCommand> onHead(HeadSeen seen) {
      long block = seen.head().number();
      if (block <= head && lastOpened >= 0) {
        return this;
      }
      head = Math.max(head, block);
      shared.timing().blockSeen(block, seen.at());
      WindowSupervisor.Head update = new WindowSupervisor.Head(block);
      supervisors.values().forEach(supervisor -> supervisor.tell(update));
      long window = windows.windowStart(block);
      if (window > lastOpened) {
        openWindow(window);
      }
      return this;
    }

    private void openWindow(long window) {
      lastOpened = window;
      if (supervisors.containsKey(window) || finished.contains(window)) {
        return;
      }
      boolean recovering = firstWindow;
      firstWindow = false;
      spawnSupervisor(window, recovering);
      if (setup.commitCredentials() && !credentialsCommitted && credentialsTriedAtWindow != window) {
        credentialsTriedAtWindow = window;
        commitCredentials();
      }
      finished.removeIf(old -> old < window - 20L * windows.windowLength());
    }

    private void spawnSupervisor(long window, boolean recovering) {
      Set<ActorRef<MiningProtocol.AgentCommand>> awaiting = new HashSet<>(agents);
      ActorRef<MiningProtocol.CoordinatorCommand> supervisor = getContext().spawn(
          WindowSupervisor.create(shared, getContext().getSelf(), window, head, awaiting, recovering),
          "window-" + window);
      getContext().watchWith(supervisor, new SupervisorStopped(window));
      supervisors.put(window, supervisor);
      if (recovering) {
        surveyReplies.forEach(supervisor::tell);
      }
    }

    /** Publishes the read credentials when the chain holds none or other ones (at start, then each window until it works). */
    private void commitCredentials() {
      ReadCredentialCommitment ours;
      try {
        ours = setup.minerBucket().readCommitment();
      } catch (IllegalArgumentException unpublishable) {
        getContext().getSelf().tell(new ChainNote("cannot publish the read credentials: " + unpublishable.getMessage(), true, false));
        return;
      }
      CompletionStage<String> done = setup.chain().commitment(setup.netuid(), setup.hotkey().accountId()).thenCompose(current -> {
        Optional<ReadCredentialCommitment> onChain = current.filter(commitment -> !commitment.fields().isEmpty())
            .flatMap((Commitment commitment) -> ReadCredentialCommitment.parse(commitment.fields().get(0)));
        if (onChain.isPresent() && onChain.get().equals(ours)) {
          return CompletableFuture.completedFuture("the chain already holds this node's read credentials");
        }
        LOG.info("committing the bucket's read credentials on subnet {} (the chain holds {})", setup.netuid(),
            onChain.isPresent() ? "other ones" : "none");
        return setup.chain().setCommitment(setup.hotkey(), setup.netuid(), ours.bytes())
            .thenApply(inclusion -> "read credentials committed in block " + inclusion.blockNumber());
      });
      ActorRef<MiningProtocol.CoordinatorCommand> self = getContext().getSelf();
      done.whenComplete((message, failure) -> self.tell(failure == null ? new ChainNote(message, false, true)
          : new ChainNote("committing the read credentials failed (validators cannot read this miner's files until it "
              + "works; retried next window): " + failure.getMessage(), true, false)));
    }

    private void checkRegistration() {
      ActorRef<MiningProtocol.CoordinatorCommand> self = getContext().getSelf();
      setup.chain().uid(setup.netuid(), setup.hotkey().accountId()).whenComplete((uid, failure) -> {
        if (failure != null) {
          self.tell(new ChainNote("cannot check the hotkey's registration: " + failure.getMessage(), true, false));
        } else if (uid.isEmpty()) {
          self.tell(new ChainNote("hotkey " + setup.hotkey().ss58Address() + " is not registered on subnet " + setup.netuid()
              + "; validators ignore its files (register it with btcli subnet register)", true, false));
        } else {
          self.tell(new ChainNote("hotkey " + setup.hotkey().ss58Address() + " is UID " + uid.getAsInt() + " on subnet "
              + setup.netuid(), false, false));
        }
      });
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onChainNote(ChainNote note) {
      if (note.error()) {
        LOG.error("{}", note.message());
        setup.metrics().error(Metrics.Component.CHAIN);
        lastError = note.message();
      } else {
        LOG.info("{}", note.message());
        credentialsCommitted |= note.credentialsInPlace();
      }
      return this;
    }

    // ---------------------------------------------------------------- nodes

    private void updateAgents(Set<ActorRef<MiningProtocol.AgentCommand>> listed) {
      for (ActorRef<MiningProtocol.AgentCommand> agent : listed) {
        if (agents.add(agent)) {
          agent.tell(new MiningProtocol.Survey(epoch, getContext().getSelf()));
          WindowSupervisor.AgentJoined joined = new WindowSupervisor.AgentJoined(agent);
          supervisors.values().forEach(supervisor -> supervisor.tell(joined));
        }
      }
      for (ActorRef<MiningProtocol.AgentCommand> agent : new ArrayList<>(agents)) {
        if (!listed.contains(agent)) {
          agents.remove(agent);
          String node = nodeNames.remove(agent);
          if (node != null) {
            nodes.remove(node);
          }
          LOG.info("node {} left", node == null ? agent.path().address() : node);
          WindowSupervisor.AgentLeft left = new WindowSupervisor.AgentLeft(agent, node);
          supervisors.values().forEach(supervisor -> supervisor.tell(left));
        }
      }
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onSurveyReply(MiningProtocol.SurveyReply reply) {
      if (reply.epoch() != epoch) {
        return this;
      }
      nodeNames.put(reply.agent(), reply.node());
      surveyReplies.add(reply);
      if (reply.groupSeconds() > 0) {
        shared.timing().adoptGenerationEstimate(Duration.ofMillis((long) (reply.groupSeconds() * 1000)));
      }
      for (MiningProtocol.WindowHolding holding : reply.windows()) {
        WindowPlan plan = holding.plan();
        long window = plan.windowStart();
        boolean stillUseful = plan.uploadDeadline().isAfter(Instant.now().plusSeconds(1));
        if (!supervisors.containsKey(window) && !finished.contains(window) && window < lastOpened && stillUseful) {
          LOG.info("window {}: {} holds it and its deadline is ahead; recovering it too", window, reply.node());
          spawnSupervisor(window, true);
        }
      }
      supervisors.values().forEach(supervisor -> supervisor.tell(reply));
      return this;
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onNodeLoad(MiningProtocol.NodeLoadReport report) {
      nodeNames.put(report.agent(), report.node());
      nodes.put(report.node(), new NodeSeen(report, Instant.now()));
      return this;
    }

    // ---------------------------------------------------------------- windows

    private Behavior<MiningProtocol.CoordinatorCommand> onRequestWork(MiningProtocol.RequestWork request) {
      ActorRef<MiningProtocol.CoordinatorCommand> supervisor = supervisors.get(request.windowStart());
      if (supervisor == null) {
        request.replyTo().tell(new MiningProtocol.NoMoreWork(request.windowStart(), "the window is not open"));
      } else {
        supervisor.tell(request);
      }
      return this;
    }

    private Behavior<MiningProtocol.CoordinatorCommand> route(long window, MiningProtocol.CoordinatorCommand message) {
      ActorRef<MiningProtocol.CoordinatorCommand> supervisor = supervisors.get(window);
      if (supervisor != null) {
        supervisor.tell(message);
      } else {
        LOG.debug("window {} is not open; ignoring {}", window, message.getClass().getSimpleName());
      }
      return this;
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onProgress(WindowSupervisor.Progress update) {
      progress.put(update.windowStart(), update);
      return this;
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onWindowFinished(WindowSupervisor.Finished done) {
      WindowReport report = done.report();
      long window = report.windowStart();
      supervisors.remove(window);
      progress.remove(window);
      finished.add(window);
      lastReport = report;
      Metrics metrics = setup.metrics();
      if (report.outcome() != WindowReport.Outcome.SKIPPED) {
        metrics.windowFinished(switch (report.outcome()) {
          case UPLOADED, ALREADY_UPLOADED -> Metrics.WindowOutcome.UPLOADED;
          case EMPTY, SKIPPED -> Metrics.WindowOutcome.EMPTY;
          case NO_CHECKPOINT -> Metrics.WindowOutcome.NO_CHECKPOINT;
          case UPLOAD_FAILED -> Metrics.WindowOutcome.MISSED_DEADLINE;
          case FAILED -> Metrics.WindowOutcome.FAILED;
        });
      }
      if (!report.stored() && report.outcome() != WindowReport.Outcome.EMPTY && report.outcome() != WindowReport.Outcome.SKIPPED) {
        lastError = "window " + window + ": " + report.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + report.detail();
      }
      LOG.info("window {} finished: {} ({} group(s), {} rollouts{}{})", window, report.outcome(), report.groups(),
          report.rollouts(), report.dropped().isEmpty() ? "" : ", dropped " + report.dropped(),
          report.detail().isEmpty() ? "" : "; " + report.detail());
      MiningProtocol.WindowClosed closed = new MiningProtocol.WindowClosed(window, report.outcome().name());
      agents.forEach(agent -> agent.tell(closed));
      setup.events().windowFinished(report);
      try {
        shared.uploader().forgetBefore(window - 20L * windows.windowLength());
      } catch (java.io.IOException ignored) {
        LOG.debug("could not trim upload records: {}", ignored.getMessage());
      }
      return this;
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onSupervisorStopped(SupervisorStopped stopped) {
      if (supervisors.remove(stopped.windowStart()) != null) {
        LOG.error("window {}: its supervisor failed; the window is lost", stopped.windowStart());
        setup.metrics().error(Metrics.Component.MINER);
        progress.remove(stopped.windowStart());
        finished.add(stopped.windowStart());
        lastError = "window " + stopped.windowStart() + ": the window supervisor failed";
        MiningProtocol.WindowClosed closed = new MiningProtocol.WindowClosed(stopped.windowStart(), "FAILED");
        agents.forEach(agent -> agent.tell(closed));
      }
      return this;
    }

    private void reportSpooled() {
      try {
        for (Path pending : shared.uploader().pending()) {
          LOG.warn("a window file was never uploaded and is kept at {} (its deadline has passed)", pending);
        }
      } catch (java.io.IOException unreadable) {
        LOG.warn("cannot list the upload spool: {}", unreadable.getMessage());
      }
    }

    // ---------------------------------------------------------------- status

    private Behavior<MiningProtocol.CoordinatorCommand> onStatusTick() {
      MinerStatus status = status();
      board.update(status);
      MiningProtocol.StatusUpdate update = new MiningProtocol.StatusUpdate(status);
      agents.forEach(agent -> agent.tell(update));
      return this;
    }

    private MinerStatus status() {
      Instant now = Instant.now();
      WindowSupervisor.Progress current = progress.isEmpty() ? null : progress.get(progress.keySet().stream().max(Long::compare).get());
      WindowPlan plan = current == null ? null : current.plan();
      MinerPhase phase = current == null ? MinerPhase.WAITING_FOR_WINDOW : current.phase();
      Integer blocksLeft = null;
      if (current != null && current.deadline() != null) {
        double seconds = Duration.between(now, current.deadline()).toMillis() / 1000.0;
        double blockSeconds = Math.max(0.001, shared.timing().blockTime().toMillis() / 1000.0);
        blocksLeft = (int) Math.max(0, Math.ceil(seconds / blockSeconds));
      }
      Metrics metrics = setup.metrics();
      metrics.phase(phase);
      metrics.chainHead(head, blocksLeft == null ? 0 : blocksLeft);
      List<MinerStatus.NodeLoad> loads = new ArrayList<>();
      double tokensPerSecond = 0;
      List<String> idle = new ArrayList<>();
      for (NodeSeen seen : nodes.values()) {
        boolean fresh = Duration.between(seen.at(), now).compareTo(NODE_REPORT_STALE) < 0;
        MiningProtocol.NodeLoadReport report = seen.report();
        loads.add(new MinerStatus.NodeLoad(report.node(), report.roles(), fresh, report.tokensPerSecond(), report.devices()));
        if (fresh) {
          tokensPerSecond += report.tokensPerSecond();
        }
        if (!report.idleReason().isEmpty()) {
          idle.add(report.node() + ": " + report.idleReason());
        }
      }
      MinerStatus.DrandStatus drand = plan == null ? null
          : new MinerStatus.DrandStatus(plan.useDrand(), plan.drandRound() >= 0 ? plan.drandRound() : null,
              plan.drandNote().isEmpty() ? null : plan.drandNote());
      MinerStatus.UploadStatus upload = lastReport == null || lastReport.objectKey() == null ? null
          : new MinerStatus.UploadStatus(lastReport.windowStart(), lastReport.objectKey(), lastReport.bytes(), lastReport.rollouts(),
              lastReport.storedAt() != null ? lastReport.storedAt() : now, lastReport.uploadMillis(), lastReport.stored(),
              lastReport.stored() ? null : lastReport.detail());
      String error = idle.isEmpty() ? lastError : String.join("; ", idle);
      Map<String, Integer> dropped = current == null ? Map.of() : new LinkedHashMap<>(current.dropped());
      return new MinerStatus(now, setup.version(), setup.hotkey().ss58Address(), setup.netuid(), phase,
          current == null ? (lastReport == null ? null : lastReport.windowStart()) : current.windowStart(),
          plan == null ? null : plan.checkpointWindow(), head, blocksLeft,
          current == null ? 0 : current.problems(), current == null ? 0 : current.groups(),
          current == null ? 0 : current.rollouts(), current == null ? 0 : current.tokens(), tokensPerSecond, drand, loads, upload,
          error, dropped);
    }

    private Behavior<MiningProtocol.CoordinatorCommand> onStop() {
      subscription.close();
      shared.checkpoints().close();
      shared.minerStore().close();
      LOG.info("mining coordinator {} stopped", Long.toHexString(epoch));
      return this;
    }
  }
}
