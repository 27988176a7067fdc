package dev.quarry.mining.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.Environment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.runtime.EnvironmentParameters;
import dev.quarry.env.runtime.EnvironmentUnavailableException;
import dev.quarry.grail.rollout.GrailSampling;
import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.grail.rollout.RolloutGroupAssembler;
import dev.quarry.grail.rollout.WindowContext;
import dev.quarry.http.MinerStatus;
import dev.quarry.http.Metrics;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningProtocol;
import dev.quarry.mining.StatusBoard;
import dev.quarry.mining.WindowPlan;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ModelConfig;
import dev.quarry.model.Tokenizer;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner on one worker node. It registers with the receptionist so the coordinator finds it,
 * prepares each window the coordinator opens (the checkpoint from the trainer's bucket, the
 * environment, the models on its devices), runs the window's {@link RolloutPipeline}, forwards
 * finished groups to the coordinator and keeps them in its ledger until the window closes, and
 * answers the survey of a coordinator that takes over. It owns one {@link DeviceWorker} per device.
 *
 * <p>A node that cannot serve a window's environment (a missing dataset, no GPU for kernel
 * evaluation…) stays idle for that window, says why in its load reports (and so in
 * {@code /status}), and takes part again in the next window.
 */
public final class NodeAgent extends AbstractBehavior<MiningProtocol.AgentCommand> {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** The receptionist key node agents register under. */
  public static final ServiceKey<MiningProtocol.AgentCommand> SERVICE_KEY =
      ServiceKey.create(MiningProtocol.AgentCommand.class, "quarry-mining-node");

  private static final Duration COORDINATOR_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
  /** Windows older than this many windows behind the newest are forgotten even without a WindowClosed. */
  private static final int WINDOWS_KEPT = 3;

  private record Prepared(long windowStart, WindowWork work, Throwable failure) implements MiningProtocol.AgentCommand {}

  private record DevicesLoaded(long windowStart, List<String> failures) implements MiningProtocol.AgentCommand {}

  private record PullWork(long windowStart, ActorRef<MiningProtocol.WorkAnswer> replyTo) implements MiningProtocol.AgentCommand {}

  private record WorkAnswered(long windowStart, MiningProtocol.WorkAnswer answer, ActorRef<MiningProtocol.WorkAnswer> replyTo)
      implements MiningProtocol.AgentCommand {}

  private record GroupDone(RolloutPipeline.Result result) implements MiningProtocol.AgentCommand {}

  private record PipelineEnded(long windowStart, Throwable failure) implements MiningProtocol.AgentCommand {}

  private enum Tick implements MiningProtocol.AgentCommand { INSTANCE }

  private record LoadsCollected(List<MinerStatus.DeviceLoad> loads) implements MiningProtocol.AgentCommand {}

  private enum Phase { PREPARING, LOADING, MINING, ENDED, IDLE }

  /** This node's view of one window. */
  private static final class WindowState {
    final WindowPlan plan;
    Phase phase = Phase.PREPARING;
    long highestGranted = -1;
    final Map<Long, MiningProtocol.GroupFinished> ledger = new LinkedHashMap<>();
    WindowWork work;
    UniqueKillSwitch killSwitch;
    String idleReason = "";

    WindowState(WindowPlan plan) {
      this.plan = plan;
    }
  }

  /** Tokenizer, template and config of a local checkpoint; kept for the last two checkpoints. */
  private record Assets(long checkpointWindow, Tokenizer tokenizer, ChatTemplate template, ModelConfig config) {}

  private final MinerSetup setup;
  private final ActorRef<MiningProtocol.CoordinatorCommand> coordinator;
  private final StatusBoard board;
  private final String node;
  private final List<String> roles;
  private final Executor blocking;
  private final Map<DeviceSpec, ActorRef<DeviceWorker.Command>> devices = new LinkedHashMap<>();
  private final TreeMap<Long, WindowState> windows = new TreeMap<>();
  private final LinkedHashMap<Long, Assets> assets = new LinkedHashMap<>();
  private ObjectStoreSettings trainerSettings;
  private ObjectStore trainerStore;
  private CheckpointConsumer consumer;
  private List<MinerStatus.DeviceLoad> lastLoads = List.of();
  /** Moving average of grant-to-finish times of this node's groups, reported to a new coordinator. */
  private double groupSeconds;

  private NodeAgent(ActorContext<MiningProtocol.AgentCommand> context, TimerScheduler<MiningProtocol.AgentCommand> timers,
      MinerSetup setup, ActorRef<MiningProtocol.CoordinatorCommand> coordinator, StatusBoard board, String node,
      List<String> roles) {
    super(context);
    this.setup = setup;
    this.coordinator = coordinator;
    this.board = board;
    this.node = node;
    this.roles = List.copyOf(roles);
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("quarry.dispatchers.blocking-io"));
    Executor model = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("quarry.dispatchers.model"));
    for (DeviceSpec device : setup.devices().devices()) {
      devices.put(device, context.spawn(DeviceWorker.create(device, setup.devices().maxBatchSequences(), model, setup.metrics()),
          "device-" + DeviceWorker.deviceName(device).replace(':', '-')));
    }
    context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, REPORT_INTERVAL);
    LOG.info("mining node {} ready: generation on {}, proofs on {}", node, setup.devices().generation(), setup.devices().proof());
  }

  /**
   * @param coordinator the coordinator singleton's proxy
   * @param board this node's {@code /status} source
   * @param node this node's cluster address, as reports name it
   */
  public static Behavior<MiningProtocol.AgentCommand> create(MinerSetup setup, ActorRef<MiningProtocol.CoordinatorCommand> coordinator,
      StatusBoard board, String node, List<String> roles) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new NodeAgent(context, timers, setup, coordinator, board, node, roles)));
  }

  @Override
  public Receive<MiningProtocol.AgentCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(MiningProtocol.WindowOpened.class, this::onWindowOpened)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(DevicesLoaded.class, this::onDevicesLoaded)
        .onMessage(PullWork.class, this::onPullWork)
        .onMessage(WorkAnswered.class, this::onWorkAnswered)
        .onMessage(GroupDone.class, this::onGroupDone)
        .onMessage(PipelineEnded.class, this::onPipelineEnded)
        .onMessage(MiningProtocol.WindowClosed.class, this::onWindowClosed)
        .onMessage(MiningProtocol.Survey.class, this::onSurvey)
        .onMessage(MiningProtocol.StatusUpdate.class, this::onStatusUpdate)
        .onMessage(Tick.class, tick -> onTick())
        .onMessage(LoadsCollected.class, this::onLoadsCollected)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  // ------------------------------------------------------------------ opening a window

  private Behavior<MiningProtocol.AgentCommand> onWindowOpened(MiningProtocol.WindowOpened opened) {
    WindowPlan plan = opened.plan();
    long window = plan.windowStart();
    if (windows.containsKey(window) || (!windows.isEmpty() && window < windows.lastKey())) {
      return this;
    }
    // A newer window makes the older ones' in-flight groups worthless: their uploads are due first.
    windows.values().forEach(state -> abort(state, "window " + window + " opened"));
    windows.headMap(window - (long) WINDOWS_KEPT * plan.windowLength()).clear();
    WindowState state = new WindowState(plan);
    windows.put(window, state);
    setup.events().windowOpened(node, plan);
    LOG.info("window {}: preparing checkpoint {} (beacon {}{})", window, plan.checkpointWindow(), plan.beacon().substring(0, 12),
        plan.useDrand() ? ", drand round " + plan.drandRound() : ", no drand");
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> prepare(plan), blocking),
        (work, failure) -> new Prepared(window, work, unwrap(failure)));
    return this;
  }

  /** Blocking: the local checkpoint, its environment and everything the pipeline needs. */
  private WindowWork prepare(WindowPlan plan) {
    long started = System.nanoTime();
    try {
      CheckpointConsumer checkpoints = checkpointConsumer();
      LocalCheckpoint local = checkpoints.ensureLocal(plan.checkpointWindow());
      CheckpointMetadata metadata = plan.metadata();
      metadata.requireUsableForMining();
      ThinkingMode mode = metadata.thinkingMode();
      GenerationParams generation = metadata.generationParams();
      JsonNode envParams = metadata.envParams();
      EnvironmentParameters parameters = EnvironmentParameters.of(
          envParams.hasNonNull("split") ? envParams.get("split").asText() : null,
          envParams.path("gpu_eval").asBoolean(false));
      String envId = metadata.envId().orElseThrow();
      Environment environment = setup.environments().environment(envId, parameters);
      Assets loaded = assets(plan.checkpointWindow(), local.directory());
      WindowContext context = plan.context(loaded.config().name());
      ProblemPreparer preparer = new ProblemPreparer(environment, mode, loaded.template(), loaded.tokenizer(),
          setup.hotkey().ss58Address(), context.blockHash());
      RolloutGroupAssembler assembler = new RolloutGroupAssembler(context, setup.hotkey(), setup.protocol());
      int eos = loaded.tokenizer().eosTokenId().orElseGet(() -> loaded.config().eosTokenIds().get(0));
      int maxSequence = Math.min(loaded.config().maxPositionEmbeddings(), setup.devices().maxModelLength());
      setup.metrics().checkpointLoaded(Duration.ofNanos(System.nanoTime() - started));
      try {
        checkpoints.retain(plan.windowStart());
      } catch (java.io.IOException cleanup) {
        LOG.warn("could not trim the checkpoint cache: {}", cleanup.getMessage());
      }
      return new WindowWork(plan, local.directory(), context, environment, mode, loaded.tokenizer(), preparer, assembler,
          GrailSampling.samplingParameters(generation), generation.maxNewTokens(), Set.of(eos), maxSequence,
          setup.protocol().rollouts().rolloutsPerProblem(), setup.hotkey().ss58Address());
    } catch (java.io.IOException | dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException exception) {
      throw new java.util.concurrent.CompletionException(exception);
    }
  }

  private synchronized CheckpointConsumer checkpointConsumer() throws java.io.IOException {
    ObjectStoreSettings current = setup.trainerBucket().settings();
    if (consumer == null || !current.equals(trainerSettings)) {
      if (trainerStore != null) {
        trainerStore.close();
      }
      trainerSettings = current;
      trainerStore = ObjectStore.open(current, ObjectStore.Access.READ);
      consumer = new CheckpointConsumer(trainerStore, setup.checkpointCache());
    }
    return consumer;
  }

  private synchronized Assets assets(long checkpointWindow, Path directory) throws dev.quarry.model.ModelLoadException {
    Assets cached = assets.get(checkpointWindow);
    if (cached != null) {
      return cached;
    }
    Tokenizer tokenizer = Tokenizer.load(directory);
    Assets loaded = new Assets(checkpointWindow, tokenizer, ChatTemplate.load(directory, tokenizer.specialTokens()),
        ModelConfig.read(directory));
    assets.put(checkpointWindow, loaded);
    // The previous checkpoint's tokenizer may still be in use by an ending pipeline; older ones are not.
    while (assets.size() > 2) {
      Iterator<Assets> oldest = assets.values().iterator();
      oldest.next().tokenizer().close();
      oldest.remove();
    }
    return loaded;
  }

  private Behavior<MiningProtocol.AgentCommand> onPrepared(Prepared prepared) {
    WindowState state = windows.get(prepared.windowStart());
    if (state == null || state.phase != Phase.PREPARING) {
      return this;
    }
    if (prepared.failure() != null) {
      Throwable failure = prepared.failure();
      boolean unavailable = failure instanceof EnvironmentUnavailableException;
      state.phase = Phase.IDLE;
      state.idleReason = (unavailable ? "this node cannot serve the window's environment: " : "cannot prepare window "
          + prepared.windowStart() + ": ") + failure.getMessage();
      setup.metrics().error(unavailable ? Metrics.Component.MINER : Metrics.Component.CHECKPOINT);
      LOG.error("window {}: idle: {}", prepared.windowStart(), state.idleReason);
      return this;
    }
    state.work = prepared.work();
    state.phase = Phase.LOADING;
    long window = prepared.windowStart();
    List<CompletableFuture<DeviceWorker.Loaded>> loads = new ArrayList<>();
    for (ActorRef<DeviceWorker.Command> device : devices.values()) {
      loads.add(AskPattern.<DeviceWorker.Command, DeviceWorker.Loaded>ask(device,
              replyTo -> new DeviceWorker.Load(state.plan.checkpointWindow(), prepared.work().checkpointDirectory(), replyTo),
              LOAD_TIMEOUT, getContext().getSystem().scheduler())
          .toCompletableFuture());
    }
    CompletableFuture<List<String>> failures = CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new))
        .handle((ignored, error) -> {
          List<String> problems = new ArrayList<>();
          for (CompletableFuture<DeviceWorker.Loaded> load : loads) {
            try {
              DeviceWorker.Loaded loaded = load.join();
              if (loaded.failure() != null) {
                problems.add(loaded.device() + ": " + loaded.failure());
              }
            } catch (RuntimeException noAnswer) {
              problems.add("a device did not answer: " + noAnswer.getMessage());
            }
          }
          return problems;
        });
    getContext().pipeToSelf(failures, (problems, error) -> new DevicesLoaded(window,
        error != null ? List.of(String.valueOf(error.getMessage())) : problems));
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onDevicesLoaded(DevicesLoaded loaded) {
    WindowState state = windows.get(loaded.windowStart());
    if (state == null || state.phase != Phase.LOADING) {
      return this;
    }
    if (!loaded.failures().isEmpty()) {
      state.phase = Phase.IDLE;
      state.idleReason = "cannot load checkpoint " + state.plan.checkpointWindow() + ": " + String.join("; ", loaded.failures());
      LOG.error("window {}: idle: {}", loaded.windowStart(), state.idleReason);
      return this;
    }
    state.phase = Phase.MINING;
    long window = loaded.windowStart();
    ActorRef<MiningProtocol.AgentCommand> self = getContext().getSelf();
    org.apache.pekko.actor.typed.ActorSystem<?> system = getContext().getSystem();
    RolloutPipeline.Host host = new RolloutPipeline.Host() {
      @Override
      public CompletionStage<MiningProtocol.WorkAnswer> pull(long windowStart) {
        return AskPattern.ask(self, replyTo -> new PullWork(windowStart, replyTo), Duration.ofMinutes(1), system.scheduler());
      }

      @Override
      public void finished(RolloutPipeline.Result result) {
        self.tell(new GroupDone(result));
      }
    };
    List<ActorRef<DeviceWorker.Command>> generators = setup.devices().generation().stream().map(devices::get).toList();
    Pair<UniqueKillSwitch, CompletionStage<org.apache.pekko.Done>> running = new RolloutPipeline(state.work, host, generators,
        devices.get(setup.devices().proof()), setup.devices().maxBatchSequences(), blocking, system).run();
    state.killSwitch = running.first();
    running.second().whenComplete((done, failure) -> self.tell(new PipelineEnded(window, failure)));
    LOG.info("window {}: mining {} with checkpoint {}", window, state.work.environment().getClass().getSimpleName(),
        state.plan.checkpointWindow());
    return this;
  }

  // ------------------------------------------------------------------ work pulling

  private Behavior<MiningProtocol.AgentCommand> onPullWork(PullWork pull) {
    WindowState state = windows.get(pull.windowStart());
    if (state == null || state.phase != Phase.MINING) {
      pull.replyTo().tell(new MiningProtocol.NoMoreWork(pull.windowStart(), "the window is not being mined on this node"));
      return this;
    }
    ActorRef<MiningProtocol.WorkAnswer> replyTo = pull.replyTo();
    getContext().ask(MiningProtocol.WorkAnswer.class, coordinator, COORDINATOR_TIMEOUT,
        ref -> new MiningProtocol.RequestWork(pull.windowStart(), node, ref),
        (answer, failure) -> new WorkAnswered(pull.windowStart(),
            failure != null ? new MiningProtocol.Wait(pull.windowStart(), 250, "the coordinator did not answer") : answer, replyTo));
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onWorkAnswered(WorkAnswered answered) {
    WindowState state = windows.get(answered.windowStart());
    if (answered.answer() instanceof MiningProtocol.Granted granted && state != null) {
      state.highestGranted = Math.max(state.highestGranted, granted.problemIndex());
      setup.events().problemGranted(node, granted.windowStart(), granted.problemIndex());
    }
    answered.replyTo().tell(answered.answer());
    return this;
  }

  // ------------------------------------------------------------------ finished groups

  private Behavior<MiningProtocol.AgentCommand> onGroupDone(GroupDone done) {
    RolloutPipeline.Result result = done.result();
    WindowState state = windows.get(result.windowStart());
    double seconds = result.took().toNanos() / 1e9;
    groupSeconds = groupSeconds == 0 ? seconds : 0.2 * seconds + 0.8 * groupSeconds;
    if (result.outcome() instanceof GroupOutcome.Assembled assembled) {
      MiningProtocol.GroupFinished finished = new MiningProtocol.GroupFinished(result.windowStart(), result.problemIndex(), node,
          result.groupFile(), assembled.rows().size(), result.completionTokens(), seconds, result.device());
      if (state != null) {
        state.ledger.put(result.problemIndex(), finished);
      }
      coordinator.tell(finished);
      setup.metrics().groupFinished(Metrics.GroupOutcome.COMPLETE);
      setup.events().groupFinished(node, result.windowStart(), result.problemIndex());
    } else {
      GroupOutcome.Dropped dropped = (GroupOutcome.Dropped) result.outcome();
      coordinator.tell(new MiningProtocol.GroupDropped(result.windowStart(), result.problemIndex(), node, dropped.reason(),
          dropped.detail(), seconds));
      setup.metrics().groupFinished(switch (dropped.reason()) {
        case PROMPT_TOO_LONG -> Metrics.GroupOutcome.SKIPPED_TOO_LONG;
        case GENERATION_FAILED, PROOF_FAILED, EVALUATION_FAILED -> Metrics.GroupOutcome.FAILED;
        default -> Metrics.GroupOutcome.DROPPED;
      });
      setup.metrics().groupDropped(dropped.reason());
      setup.events().groupDropped(node, result.windowStart(), result.problemIndex(), dropped.reason().name());
      LOG.warn("window {}: group {} dropped ({}): {}", result.windowStart(), result.problemIndex(), dropped.reason(),
          dropped.detail());
    }
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onPipelineEnded(PipelineEnded ended) {
    WindowState state = windows.get(ended.windowStart());
    if (state != null && state.phase == Phase.MINING) {
      state.phase = Phase.ENDED;
    }
    if (ended.failure() instanceof org.apache.pekko.stream.AbruptStageTerminationException) {
      LOG.info("window {}: the pipeline stopped with the node", ended.windowStart());
    } else if (ended.failure() != null && !(ended.failure() instanceof WindowAbandoned)) {
      LOG.error("window {}: the pipeline failed: {}", ended.windowStart(), ended.failure().toString());
      setup.metrics().error(Metrics.Component.MINER);
    } else {
      LOG.debug("window {}: pipeline ended", ended.windowStart());
    }
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onWindowClosed(MiningProtocol.WindowClosed closed) {
    Iterator<Map.Entry<Long, WindowState>> it = windows.headMap(closed.windowStart(), true).entrySet().iterator();
    while (it.hasNext()) {
      WindowState state = it.next().getValue();
      abort(state, "window closed (" + closed.outcome() + ")");
      it.remove();
    }
    return this;
  }

  private void abort(WindowState state, String why) {
    if (state.killSwitch != null && state.phase == Phase.MINING) {
      state.killSwitch.abort(new WindowAbandoned(why));
      state.phase = Phase.ENDED;
    } else if (state.phase == Phase.PREPARING || state.phase == Phase.LOADING) {
      state.phase = Phase.ENDED;
    }
  }

  /** Why a window's pipeline was stopped before it ran out of work. */
  static final class WindowAbandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WindowAbandoned(String why) {
      super(why, null, false, false);
    }
  }

  // ------------------------------------------------------------------ survey, status, load

  private Behavior<MiningProtocol.AgentCommand> onSurvey(MiningProtocol.Survey survey) {
    List<MiningProtocol.WindowHolding> holdings = new ArrayList<>();
    for (WindowState state : windows.values()) {
      holdings.add(new MiningProtocol.WindowHolding(state.plan, state.highestGranted, new ArrayList<>(state.ledger.keySet())));
    }
    survey.replyTo().tell(new MiningProtocol.SurveyReply(survey.epoch(), node, getContext().getSelf(), holdings, groupSeconds));
    for (WindowState state : windows.values()) {
      state.ledger.values().forEach(survey.replyTo()::tell);
    }
    LOG.info("coordinator {} surveyed this node: {} window(s), {} finished group(s)", survey.epoch(), holdings.size(),
        windows.values().stream().mapToInt(state -> state.ledger.size()).sum());
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onStatusUpdate(MiningProtocol.StatusUpdate update) {
    board.update(update.status());
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onTick() {
    List<CompletableFuture<MinerStatus.DeviceLoad>> asks = new ArrayList<>();
    for (ActorRef<DeviceWorker.Command> device : devices.values()) {
      asks.add(AskPattern.<DeviceWorker.Command, MinerStatus.DeviceLoad>ask(device, DeviceWorker.ReportLoad::new,
          Duration.ofSeconds(3), getContext().getSystem().scheduler()).toCompletableFuture());
    }
    CompletableFuture<List<MinerStatus.DeviceLoad>> all = CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> asks.stream().map(CompletableFuture::join).toList());
    getContext().pipeToSelf(all, (loads, failure) -> new LoadsCollected(failure != null ? lastLoads : loads));
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onLoadsCollected(LoadsCollected collected) {
    lastLoads = collected.loads();
    double tokensPerSecond = lastLoads.stream().mapToDouble(MinerStatus.DeviceLoad::tokensPerSecond).sum();
    String idle = windows.isEmpty() ? "" : windows.lastEntry().getValue().idleReason;
    coordinator.tell(new MiningProtocol.NodeLoadReport(node, roles, tokensPerSecond, lastLoads, idle, getContext().getSelf()));
    board.nodeIdle(idle);
    return this;
  }

  private Behavior<MiningProtocol.AgentCommand> onStop() {
    windows.values().forEach(state -> abort(state, "node stopping"));
    // Tokenizers are left to the collector: a stage of an aborted pipeline may still be decoding.
    if (trainerStore != null) {
      trainerStore.close();
    }
    return this;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
