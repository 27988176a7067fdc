package dev.quarry.mining.coordinator;

import dev.quarry.chain.drand.DrandOutcome;
import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.http.MinerPhase;
import dev.quarry.http.Metrics;
import dev.quarry.mining.GroupFiles;
import dev.quarry.mining.MiningProtocol;
import dev.quarry.mining.WindowPlan;
import dev.quarry.mining.WindowReport;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFiles;
import dev.quarry.storage.window.WindowUploader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One window, from plan to upload. It decides the plan (block hash, checkpoint by the READY rule and
 * its metadata, the drand beacon and the window randomness, the deadline) — or, when it belongs to a
 * coordinator that took over mid-window, adopts the plan the nodes already hold — then hands out
 * problem indices to the nodes that ask while the timing rule allows, collects the finished groups
 * (one per index, whoever sends it), and writes and uploads the window file so it lands before
 * {@code timestamp(W + 30) − 4 s}.
 *
 * <p>States: {@code RECOVERING} (waiting for the nodes' survey answers, only after a takeover) →
 * {@code PLANNING} → {@code OPEN} (granting) → {@code CLOSING} (no more grants; waiting for groups in
 * flight) → {@code UPLOADING} → done (the supervisor reports to the coordinator and stops).
 */
final class WindowSupervisor extends AbstractBehavior<MiningProtocol.CoordinatorCommand> {

  private static final Logger LOG = LoggerFactory.getLogger(WindowSupervisor.class);
  private static final Duration TICK = Duration.ofMillis(200);
  private static final Duration SURVEY_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration UPLOAD_RETRY = Duration.ofSeconds(1);

  /** A chain head, forwarded by the coordinator. */
  record Head(long block) implements MiningProtocol.CoordinatorCommand {}

  /** A node agent appeared in the cluster. */
  record AgentJoined(ActorRef<MiningProtocol.AgentCommand> agent) implements MiningProtocol.CoordinatorCommand {}

  /** A node agent is gone (its node left or died); {@code node} is its name, if known. */
  record AgentLeft(ActorRef<MiningProtocol.AgentCommand> agent, String node) implements MiningProtocol.CoordinatorCommand {}

  /** What the coordinator's status shows for this window. */
  record Progress(long windowStart, MinerPhase phase, WindowPlan plan, int problems, int groups, int rollouts, long tokens,
      Map<String, Integer> dropped, Instant deadline) implements MiningProtocol.CoordinatorCommand {}

  /** Sent to the coordinator when the window is over. */
  record Finished(WindowReport report) implements MiningProtocol.CoordinatorCommand {}

  private enum State { RECOVERING, PLANNING, OPEN, CLOSING, UPLOADING, DONE }

  private enum Tick implements MiningProtocol.CoordinatorCommand { INSTANCE }

  private enum SurveyTimeout implements MiningProtocol.CoordinatorCommand { INSTANCE }

  private record Planned(WindowPlan plan, DrandOutcome drand, WindowReport skipped, Throwable failure)
      implements MiningProtocol.CoordinatorCommand {}

  private record Decoded(MiningProtocol.GroupFinished group, List<RolloutRow> rows, Throwable failure)
      implements MiningProtocol.CoordinatorCommand {}

  private record Uploaded(WindowUploader.Result result, long bytes, int rows, Duration took, Throwable failure)
      implements MiningProtocol.CoordinatorCommand {}

  private enum RetryUpload implements MiningProtocol.CoordinatorCommand { INSTANCE }

  private record Grant(String node, long grantedAtNanos) {}

  private final CoordinatorContext shared;
  private final ActorRef<MiningProtocol.CoordinatorCommand> coordinator;
  private final TimerScheduler<MiningProtocol.CoordinatorCommand> timers;
  private final long window;
  private final Set<ActorRef<MiningProtocol.AgentCommand>> agents = new HashSet<>();
  private final Set<ActorRef<MiningProtocol.AgentCommand>> awaitingSurvey = new HashSet<>();
  private final Map<Long, Grant> inFlight = new HashMap<>();
  private final TreeMap<Long, List<RolloutRow>> collected = new TreeMap<>();
  private final Set<Long> decoding = new HashSet<>();
  private final Map<GroupOutcome.DropReason, Integer> dropped = new EnumMap<>(GroupOutcome.DropReason.class);
  private State state;
  private WindowPlan plan;
  private long head;
  private long nextIndex;
  private int problems;
  private long tokens;
  private int rollouts;
  private WindowFile uploading;
  private long uploadStarted;
  private String lastUploadFailure = "";
  private long uploadMillis;
  private Instant uploadStartedAt;

  private WindowSupervisor(ActorContext<MiningProtocol.CoordinatorCommand> context,
      TimerScheduler<MiningProtocol.CoordinatorCommand> timers, CoordinatorContext shared,
      ActorRef<MiningProtocol.CoordinatorCommand> coordinator, long window, long head,
      Set<ActorRef<MiningProtocol.AgentCommand>> agents, boolean recovering) {
    super(context);
    this.shared = shared;
    this.coordinator = coordinator;
    this.timers = timers;
    this.window = window;
    this.head = head;
    this.agents.addAll(agents);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    if (recovering && !agents.isEmpty()) {
      state = State.RECOVERING;
      awaitingSurvey.addAll(agents);
      timers.startSingleTimer(SurveyTimeout.INSTANCE, SURVEY_TIMEOUT);
      LOG.info("window {}: taking over; waiting for {} node(s) to say what they hold", window, agents.size());
    } else {
      startPlanning();
    }
  }

  static Behavior<MiningProtocol.CoordinatorCommand> create(CoordinatorContext shared,
      ActorRef<MiningProtocol.CoordinatorCommand> coordinator, long window, long head,
      Set<ActorRef<MiningProtocol.AgentCommand>> agents, boolean recovering) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new WindowSupervisor(context, timers, shared, coordinator, window, head, agents, recovering)));
  }

  @Override
  public Receive<MiningProtocol.CoordinatorCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Head.class, this::onHead)
        .onMessage(AgentJoined.class, this::onAgentJoined)
        .onMessage(AgentLeft.class, this::onAgentLeft)
        .onMessage(MiningProtocol.SurveyReply.class, this::onSurveyReply)
        .onMessage(SurveyTimeout.class, timeout -> onSurveyTimeout())
        .onMessage(Planned.class, this::onPlanned)
        .onMessage(MiningProtocol.RequestWork.class, this::onRequestWork)
        .onMessage(MiningProtocol.GroupFinished.class, this::onGroupFinished)
        .onMessage(Decoded.class, this::onDecoded)
        .onMessage(MiningProtocol.GroupDropped.class, this::onGroupDropped)
        .onMessage(Tick.class, tick -> onTick())
        .onMessage(Uploaded.class, this::onUploaded)
        .onMessage(RetryUpload.class, retry -> onRetryUpload())
        .build();
  }

  /** The progress the coordinator shows in {@code /status}. */
  Progress progress() {
    return new Progress(window, phase(), plan, problems, collected.size(), rollouts, tokens, droppedByName(),
        plan == null ? null : plan.uploadDeadline());
  }

  // ------------------------------------------------------------------ recovery and planning

  private Behavior<MiningProtocol.CoordinatorCommand> onSurveyReply(MiningProtocol.SurveyReply reply) {
    agents.add(reply.agent());
    for (MiningProtocol.WindowHolding holding : reply.windows()) {
      if (holding.plan().windowStart() != window) {
        continue;
      }
      if (plan == null && state == State.RECOVERING) {
        plan = holding.plan();
        LOG.info("window {}: adopting the plan held by {} (checkpoint {}, {})", window, reply.node(), plan.checkpointWindow(),
            plan.useDrand() ? "drand round " + plan.drandRound() : "no drand");
      }
      nextIndex = Math.max(nextIndex, holding.highestGranted() + 1);
      for (long index : holding.finishedGroups()) {
        nextIndex = Math.max(nextIndex, index + 1);
      }
    }
    if (awaitingSurvey.remove(reply.agent()) && awaitingSurvey.isEmpty() && state == State.RECOVERING) {
      timers.cancel(SurveyTimeout.INSTANCE);
      startPlanning();
    }
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onSurveyTimeout() {
    if (state == State.RECOVERING) {
      LOG.warn("window {}: {} node(s) did not answer the survey within {} s; continuing after index {}", window,
          awaitingSurvey.size(), SURVEY_TIMEOUT.toSeconds(), nextIndex - 1);
      awaitingSurvey.clear();
      startPlanning();
    }
    return this;
  }

  private void startPlanning() {
    state = State.PLANNING;
    WindowPlan adopted = plan;
    if (adopted == null && collected.isEmpty()
        && shared.timing().blocksRemaining(window, head) <= shared.timing().blocksNeeded()) {
      LOG.info("window {}: only {} block(s) left, too few to mine it; waiting for the next window", window,
          shared.timing().blocksRemaining(window, head));
      getContext().getSelf().tell(new Planned(null, null, report(WindowReport.Outcome.SKIPPED, null, 0, null,
          "started too late in the window"), null));
      return;
    }
    getContext().pipeToSelf(plan(adopted), (planned, failure) -> failure == null ? planned
        : new Planned(null, null, null, unwrap(failure)));
  }

  /** The plan, from scratch or adopted; or the report of why the window is skipped. */
  private CompletionStage<Planned> plan(WindowPlan adopted) {
    String key = WindowFiles.key(shared.setup().hotkey().ss58Address(), window);
    CompletableFuture<Optional<ObjectInfo>> existing = CompletableFuture.supplyAsync(() -> {
      try {
        return shared.minerStore().head(key);
      } catch (java.io.IOException exception) {
        throw new CompletionException(exception);
      }
    }, shared.blocking());
    return existing.thenCompose(stored -> {
      if (stored.isPresent()) {
        return CompletableFuture.completedFuture(new Planned(null, null, report(WindowReport.Outcome.ALREADY_UPLOADED, key,
            stored.get().size(), stored.get().lastModified(), "the window's file is already in the bucket"), null));
      }
      if (adopted != null) {
        return CompletableFuture.completedFuture(new Planned(adopted, null, null, null));
      }
      return freshPlan();
    });
  }

  private CompletionStage<Planned> freshPlan() {
    CompletableFuture<Optional<CheckpointSelector.Selection>> selection = CompletableFuture.supplyAsync(() -> {
      try {
        return shared.checkpoints().select(window);
      } catch (dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException unusable) {
        throw new CompletionException(unusable);
      } catch (java.io.IOException exception) {
        throw new CompletionException(exception);
      }
    }, shared.blocking());
    CompletableFuture<String> blockHash = shared.setup().chain().blockHash(window).toCompletableFuture();
    CompletableFuture<Instant> startTime = shared.setup().chain().blockTimestamp(window).toCompletableFuture();
    return selection.handle((chosen, failure) -> {
      if (failure != null) {
        Throwable cause = unwrap(failure);
        if (cause instanceof dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException) {
          return Optional.<Planned>of(new Planned(null, null, report(WindowReport.Outcome.NO_CHECKPOINT, null, 0, null,
              cause.getMessage()), null));
        }
        throw new CompletionException(cause);
      }
      if (chosen.isEmpty()) {
        return Optional.<Planned>of(new Planned(null, null, report(WindowReport.Outcome.NO_CHECKPOINT, null, 0, null,
            "no READY checkpoint before window " + window + " in the trainer's bucket"), null));
      }
      return Optional.<Planned>empty();
    }).thenCompose(skip -> {
      if (skip.isPresent()) {
        return CompletableFuture.completedFuture(skip.get());
      }
      CheckpointSelector.Selection chosen = selection.join().orElseThrow();
      return blockHash.thenCombine(startTime, (hash, time) -> new Object[] {hash, time})
          .thenCompose(chainFacts -> beacon().thenApply(drand -> {
            String hash = (String) chainFacts[0];
            Instant time = (Instant) chainFacts[1];
            Instant deadline = shared.timing().uploadDeadline(time);
            String note = drand instanceof DrandOutcome.Skipped skipped ? skipped.reason() + ": " + skipped.detail() : "";
            long round = drand.verifiedBeacon().map(beacon -> beacon.round()).orElse(-1L);
            WindowPlan fresh = new WindowPlan(window, shared.windowLength(), hash, drand.windowRandomness(hash), drand.useDrand(),
                round, note, chosen.checkpointWindow(), chosen.metadata().type().name(), chosen.metadata().json().toString(),
                time.toEpochMilli(), deadline.toEpochMilli());
            return new Planned(fresh, drand, null, null);
          }));
    });
  }

  /**
   * The window's drand outcome, waiting at most three block times (and 10 s): a beacon that takes
   * longer would cost the window more than it adds, so the window goes on without it, as when no
   * relay answers.
   */
  private CompletableFuture<DrandOutcome> beacon() {
    Duration limit = shared.timing().blockTime().multipliedBy(3);
    if (limit.compareTo(Duration.ofSeconds(10)) > 0) {
      limit = Duration.ofSeconds(10);
    }
    if (limit.compareTo(Duration.ofSeconds(1)) < 0) {
      limit = Duration.ofSeconds(1);
    }
    long millis = limit.toMillis();
    return shared.setup().drand().forWindow(window).toCompletableFuture()
        .completeOnTimeout(new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.UNAVAILABLE,
            "no verified beacon within " + millis + " ms"), millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onPlanned(Planned planned) {
    if (state != State.PLANNING) {
      return this;
    }
    if (planned.failure() != null) {
      shared.setup().metrics().error(Metrics.Component.MINER);
      return finish(report(WindowReport.Outcome.FAILED, null, 0, null, "cannot plan the window: " + planned.failure().getMessage()));
    }
    if (planned.skipped() != null) {
      return finish(planned.skipped());
    }
    plan = planned.plan();
    Metrics metrics = shared.setup().metrics();
    metrics.windowStarted(window, plan.checkpointWindow());
    if (planned.drand() != null) {
      metrics.drand(planned.drand().useDrand() ? Metrics.DrandResult.VERIFIED
              : planned.drand() instanceof DrandOutcome.Skipped skipped && skipped.reason() == DrandOutcome.Skipped.Reason.DISABLED
                  ? Metrics.DrandResult.DISABLED : Metrics.DrandResult.UNAVAILABLE,
          plan.drandRound(), Duration.ZERO);
    }
    state = State.OPEN;
    LOG.info("window {}: open with checkpoint {}, upload deadline {} ({} node(s))", window, plan.checkpointWindow(),
        plan.uploadDeadline(), agents.size());
    MiningProtocol.WindowOpened opened = new MiningProtocol.WindowOpened(plan);
    agents.forEach(agent -> agent.tell(opened));
    return this;
  }

  // ------------------------------------------------------------------ handing out work

  private Behavior<MiningProtocol.CoordinatorCommand> onRequestWork(MiningProtocol.RequestWork request) {
    switch (state) {
      case RECOVERING, PLANNING -> request.replyTo().tell(new MiningProtocol.Wait(window, 250, "the window is being planned"));
      case OPEN -> {
        if (mayStart()) {
          long index = nextIndex++;
          problems++;
          inFlight.put(index, new Grant(request.node(), System.nanoTime()));
          request.replyTo().tell(new MiningProtocol.Granted(window, index, head));
        } else {
          close(problems >= shared.setup().problemLimit() && shared.setup().problemLimit() > 0 ? "the problem limit"
              : "the timing rule");
          request.replyTo().tell(new MiningProtocol.NoMoreWork(window, "no more problems in this window"));
        }
      }
      default -> request.replyTo().tell(new MiningProtocol.NoMoreWork(window, "generation for the window is over"));
    }
    return this;
  }

  private boolean mayStart() {
    int limit = shared.setup().problemLimit();
    if (limit > 0 && problems >= limit) {
      return false;
    }
    return shared.timing().mayStartGroup(window, head, Instant.now(), plan.uploadDeadline());
  }

  private void close(String why) {
    if (state == State.OPEN) {
      state = State.CLOSING;
      LOG.info("window {}: generation stops ({}): {} problem(s) handed out, {} group(s) in, {} in flight", window, why, problems,
          collected.size(), inFlight.size());
    }
  }

  // ------------------------------------------------------------------ collecting groups

  private Behavior<MiningProtocol.CoordinatorCommand> onGroupFinished(MiningProtocol.GroupFinished group) {
    long index = group.problemIndex();
    nextIndex = Math.max(nextIndex, index + 1);
    if (collected.containsKey(index) || decoding.contains(index)) {
      return this;
    }
    if (state == State.UPLOADING || state == State.DONE) {
      if (inFlight.remove(index) != null) {
        countOwnDrop(GroupOutcome.DropReason.DEADLINE);
        LOG.info("window {}: group {} from {} arrived after the upload started", window, index, group.node());
      }
      return this;
    }
    decoding.add(index);
    int groupSize = shared.setup().protocol().rollouts().rolloutsPerProblem();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return GroupFiles.decode(group.groupFile(), window, index, groupSize);
      } catch (java.io.IOException exception) {
        throw new CompletionException(exception);
      }
    }, shared.blocking()), (rows, failure) -> new Decoded(group, rows, failure == null ? null : unwrap(failure)));
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onDecoded(Decoded decoded) {
    MiningProtocol.GroupFinished group = decoded.group();
    long index = group.problemIndex();
    decoding.remove(index);
    Grant grant = inFlight.remove(index);
    if (decoded.failure() != null) {
      LOG.error("window {}: group {} from {} is unreadable and is left out: {}", window, index, group.node(),
          decoded.failure().getMessage());
      countOwnDrop(GroupOutcome.DropReason.PROOF_FAILED);
      return this;
    }
    if (state == State.UPLOADING || state == State.DONE) {
      if (grant != null) {
        countOwnDrop(GroupOutcome.DropReason.DEADLINE);
      }
      return this;
    }
    collected.put(index, decoded.rows());
    rollouts += decoded.rows().size();
    tokens += group.completionTokens();
    if (grant != null) {
      shared.timing().generationTook(Duration.ofNanos(System.nanoTime() - grant.grantedAtNanos()));
    }
    shared.setup().metrics().windowProgress(window, problems, collected.size(), rollouts, tokens);
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onGroupDropped(MiningProtocol.GroupDropped group) {
    Grant grant = inFlight.remove(group.problemIndex());
    if (grant != null || state.ordinal() < State.UPLOADING.ordinal()) {
      countDropped(group.reason());
    }
    if (grant != null) {
      shared.timing().generationTook(Duration.ofNanos(System.nanoTime() - grant.grantedAtNanos()));
    }
    return this;
  }

  private void countDropped(GroupOutcome.DropReason reason) {
    dropped.merge(reason, 1, Integer::sum);
  }

  /** A drop decided here (late or unreadable groups); the nodes count their own drops in their metrics. */
  private void countOwnDrop(GroupOutcome.DropReason reason) {
    countDropped(reason);
    shared.setup().metrics().groupDropped(reason);
  }

  // ------------------------------------------------------------------ membership

  private Behavior<MiningProtocol.CoordinatorCommand> onAgentJoined(AgentJoined joined) {
    if (agents.add(joined.agent()) && plan != null && (state == State.OPEN || state == State.CLOSING)) {
      joined.agent().tell(new MiningProtocol.WindowOpened(plan));
    }
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onAgentLeft(AgentLeft left) {
    agents.remove(left.agent());
    if (awaitingSurvey.remove(left.agent()) && awaitingSurvey.isEmpty() && state == State.RECOVERING) {
      timers.cancel(SurveyTimeout.INSTANCE);
      startPlanning();
    }
    if (left.node() != null) {
      int lost = 0;
      for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
        if (it.next().getValue().node().equals(left.node())) {
          it.remove();
          lost++;
        }
      }
      if (lost > 0) {
        LOG.warn("window {}: {} left the cluster with {} group(s) in flight; they are lost", window, left.node(), lost);
      }
    }
    return this;
  }

  // ------------------------------------------------------------------ deadline and upload

  private Behavior<MiningProtocol.CoordinatorCommand> onHead(Head update) {
    head = Math.max(head, update.block());
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onTick() {
    coordinator.tell(progress());
    if (state == State.OPEN && !mayStart()) {
      close("the timing rule");
    }
    if ((state == State.OPEN || state == State.CLOSING) && plan != null) {
      boolean drained = state == State.CLOSING && inFlight.isEmpty() && decoding.isEmpty();
      boolean due = !Instant.now().isBefore(shared.timing().uploadStartLatest(plan.uploadDeadline()))
          || head >= window + shared.windowLength();
      if (drained || due) {
        if (!drained) {
          LOG.warn("window {}: upload is due; {} group(s) still in flight are left out", window, inFlight.size());
        }
        startUpload();
      }
    }
    return this;
  }

  private void startUpload() {
    state = State.UPLOADING;
    uploadStartedAt = Instant.now();
    inFlight.keySet().forEach(index -> countOwnDrop(GroupOutcome.DropReason.DEADLINE));
    inFlight.clear();
    if (collected.isEmpty()) {
      finish(report(WindowReport.Outcome.EMPTY, null, 0, null, "no group finished in time"));
      return;
    }
    List<RolloutRow> rows = new ArrayList<>(rollouts);
    collected.values().forEach(rows::addAll);
    rows.sort(Comparator.comparingLong(RolloutRow::nonce));
    uploading = new WindowFile(shared.setup().hotkey().ss58Address(), window, shared.windowLength(),
        System.currentTimeMillis() / 1000.0, rows);
    LOG.info("window {}: uploading {} group(s), {} rollouts", window, collected.size(), rows.size());
    sendUpload();
  }

  private void sendUpload() {
    WindowFile file = uploading;
    uploadStarted = System.nanoTime();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return shared.uploader().upload(file);
      } catch (java.io.IOException exception) {
        throw new CompletionException(exception);
      }
    }, shared.blocking()), (result, failure) -> new Uploaded(result, result == null || result.stored() == null ? 0
        : result.stored().size(), file.rows().size(), Duration.ofNanos(System.nanoTime() - uploadStarted),
        failure == null ? null : unwrap(failure)));
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onUploaded(Uploaded uploaded) {
    if (state != State.UPLOADING) {
      return this;
    }
    Metrics metrics = shared.setup().metrics();
    String key = WindowFiles.key(shared.setup().hotkey().ss58Address(), window);
    uploadMillis = uploaded.took().toMillis();
    if (uploaded.failure() != null) {
      metrics.uploadFinished(false, 0, uploaded.took());
      metrics.error(Metrics.Component.STORAGE);
      lastUploadFailure = uploaded.failure().getMessage();
      Instant retryBy = plan.uploadDeadline().minus(shared.timing().uploadEstimate());
      if (Instant.now().plus(UPLOAD_RETRY).isBefore(retryBy)) {
        LOG.warn("window {}: upload failed, retrying: {}", window, lastUploadFailure);
        timers.startSingleTimer(RetryUpload.INSTANCE, UPLOAD_RETRY);
        return this;
      }
      LOG.error("window {}: upload failed and the deadline has passed; the file stays in the spool: {}", window, lastUploadFailure);
      return finish(report(WindowReport.Outcome.UPLOAD_FAILED, key, 0, null, "upload failed: " + lastUploadFailure));
    }
    WindowUploader.Result result = uploaded.result();
    shared.timing().uploadTook(uploaded.took());
    metrics.uploadFinished(true, uploaded.bytes(), uploaded.took());
    Instant storedAt = result.stored() == null ? null : result.stored().lastModified();
    boolean fresh = result.outcome() == WindowUploader.Outcome.UPLOADED;
    if (storedAt != null && storedAt.isAfter(plan.uploadDeadline())) {
      LOG.warn("window {}: the file was stored at {}, after the estimated deadline {}", window, storedAt, plan.uploadDeadline());
    }
    LOG.info("window {}: {} {} ({} bytes, {} rollouts) in {} ms", window, fresh ? "uploaded" : "already in the bucket:", key,
        uploaded.bytes(), uploaded.rows(), uploaded.took().toMillis());
    return finish(report(fresh ? WindowReport.Outcome.UPLOADED : WindowReport.Outcome.ALREADY_UPLOADED, key, uploaded.bytes(),
        storedAt, ""));
  }

  private Behavior<MiningProtocol.CoordinatorCommand> onRetryUpload() {
    if (state == State.UPLOADING) {
      sendUpload();
    }
    return this;
  }

  private Behavior<MiningProtocol.CoordinatorCommand> finish(WindowReport report) {
    state = State.DONE;
    timers.cancelAll();
    coordinator.tell(new Finished(report));
    return Behaviors.stopped();
  }

  private WindowReport report(WindowReport.Outcome outcome, String key, long bytes, Instant storedAt, String detail) {
    return new WindowReport(window, outcome, key, bytes, collected.size(), rollouts, droppedByName(), uploadStartedAt, storedAt,
        uploadMillis,
        plan == null ? null : plan.uploadDeadline(), detail);
  }

  private Map<String, Integer> droppedByName() {
    Map<String, Integer> byName = new LinkedHashMap<>();
    dropped.forEach((reason, count) -> byName.put(reason.name().toLowerCase(java.util.Locale.ROOT), count));
    return byName;
  }

  private MinerPhase phase() {
    return switch (state) {
      case RECOVERING, PLANNING -> MinerPhase.LOADING_CHECKPOINT;
      case OPEN, CLOSING -> MinerPhase.GENERATING;
      case UPLOADING -> MinerPhase.UPLOADING;
      case DONE -> MinerPhase.WAITING_FOR_WINDOW;
    };
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
