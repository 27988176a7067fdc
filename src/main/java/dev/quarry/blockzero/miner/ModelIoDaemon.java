package dev.quarry.blockzero.miner;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseName;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.chain.Chain;
import dev.quarry.crypto.Keypair;
import dev.quarry.http.Metrics;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
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
 * The {@code blockzero model-io} role ({@code mycelia/miner/model_io.py} as actors). It asks the
 * owner's phase service where the cycle is, sleeping until the next phase it acts in (the
 * reference's pacing, {@code min(b, max(3, 0.9 b))} blocks, but never a busy loop), and hands
 * each phase's job to one of three workers ({@link JobRunner}): the download in Distribute, the
 * signed-hash and record commitments in MinerCommit1 and MinerCommit2, the upload in Submission.
 * Each job runs at most once per cycle; the record is committed only for what MinerCommit1
 * committed in the same cycle and the submission only after both. What was committed is kept on
 * disk ({@link ModelIoState}) so a restart mid-cycle carries on.
 *
 * <p>{@link Shutdown} (from Pekko's CoordinatedShutdown on SIGTERM) stops polling, aborts a running
 * download or upload (their files are temporary until complete), lets an in-flight commitment
 * finish, saves the state and replies.
 */
public final class ModelIoDaemon extends AbstractBehavior<ModelIoDaemon.Command> {

  private static final Logger LOG = LoggerFactory.getLogger(ModelIoDaemon.class);
  private static final int FALLBACK_BLOCKS = 3;
  private static final int MAX_SLEEP_BLOCKS = 100;
  private static final Set<PhaseName> ACTIVE = EnumSet.of(PhaseName.DISTRIBUTE, PhaseName.MINER_COMMIT_1, PhaseName.MINER_COMMIT_2,
      PhaseName.SUBMISSION);

  /** The daemon's jobs. */
  public enum Job {
    DOWNLOAD("download", PhaseName.DISTRIBUTE, Metrics.BlockZeroJob.DOWNLOAD),
    SIGNED_HASH_COMMIT("signed-hash commit", PhaseName.MINER_COMMIT_1, Metrics.BlockZeroJob.SIGNED_HASH_COMMIT),
    RECORD_COMMIT("record commit", PhaseName.MINER_COMMIT_2, Metrics.BlockZeroJob.RECORD_COMMIT),
    SUBMISSION("submission", PhaseName.SUBMISSION, Metrics.BlockZeroJob.SUBMISSION);

    private final String label;
    private final PhaseName phase;
    private final Metrics.BlockZeroJob metric;

    Job(String label, PhaseName phase, Metrics.BlockZeroJob metric) {
      this.label = label;
      this.phase = phase;
      this.metric = metric;
    }

    public String label() {
      return label;
    }
  }

  /** Messages. */
  public sealed interface Command permits Poll, Observed, Unavailable, Completed, Shutdown, AxonServed {}

  private enum Poll implements Command { INSTANCE }

  private record Observed(PhaseInfo phase, Map<String, PhaseSchedule.Upcoming> upcoming) implements Command {}

  private record Unavailable(Throwable failure) implements Command {}

  private record AxonServed(String detail) implements Command {}

  /** A worker finished a job. */
  record Completed(Job kind, long cycle, JobResult result) implements Command {}

  /** Stop gracefully; {@code replyTo} hears when the state is saved. */
  public record Shutdown(ActorRef<Done> replyTo) implements Command {}

  /** What the daemon works with. */
  public record Dependencies(BlockZeroSettings settings, Chain chain, Keypair hotkey, CheckpointStore store, HttpClient http,
      Executor blocking, Metrics metrics, Duration retryUnit) {}

  /** What the daemon last saw and did, for status pages. */
  public record Status(PhaseInfo phase, ModelIoState state, Map<Job, JobResult> lastResults) {}

  private final Dependencies dependencies;
  private final TimerScheduler<Command> timers;
  private final PhaseServiceClient phases;
  private final ModelIoJobs jobs;
  private final Map<Job, ActorRef<JobRunner.Command>> runners = new EnumMap<>(Job.class);
  private final Set<String> started = new HashSet<>();
  private final Set<Job> running = EnumSet.noneOf(Job.class);
  private final Map<Job, JobResult> lastResults = new EnumMap<>(Job.class);
  private final AtomicReference<Status> status;
  private ModelIoState state;
  private PhaseInfo lastPhase;
  private String lastProblem;
  private ActorRef<Done> stopReply;

  private ModelIoDaemon(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies dependencies,
      AtomicReference<Status> status) {
    super(context);
    this.dependencies = dependencies;
    this.timers = timers;
    this.status = status;
    BlockZeroSettings settings = dependencies.settings();
    this.phases = new PhaseServiceClient(settings.phaseService(), dependencies.http());
    this.jobs = new ModelIoJobs(dependencies.chain(), settings.netuid(), dependencies.hotkey(), settings.expertGroup(),
        dependencies.store(), phases, new ValidatorClient(dependencies.http(), settings.validatorToken()), dependencies.blocking(),
        dependencies.retryUnit());
    ActorRef<JobRunner.Command> downloads = context.spawn(JobRunner.create(), "download");
    ActorRef<JobRunner.Command> commits = context.spawn(JobRunner.create(), "commit");
    ActorRef<JobRunner.Command> submissions = context.spawn(JobRunner.create(), "submit");
    runners.put(Job.DOWNLOAD, downloads);
    runners.put(Job.SIGNED_HASH_COMMIT, commits);
    runners.put(Job.RECORD_COMMIT, commits);
    runners.put(Job.SUBMISSION, submissions);
    this.state = ModelIoState.read(dependencies.store().modelIoDirectory());
    LOG.info("model-io for {} on subnet {}, expert group {}: phase service {}, checkpoints in {}{}", dependencies.hotkey().ss58Address(),
        settings.netuid(), settings.expertGroup(), settings.phaseService(), dependencies.store().ownDirectory(),
        state.committed() == null ? "" : "; resuming with the commitment of cycle " + state.committed().cycle());
    checkRegistration();
    settings.axon().ifPresent(this::serveAxon);
    context.getSelf().tell(Poll.INSTANCE);
  }

  /** The daemon; {@code status} receives what it sees (for the management endpoint). */
  public static Behavior<Command> create(Dependencies dependencies, AtomicReference<Status> status) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ModelIoDaemon(context, timers, dependencies, status)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, this::poll)
        .onMessage(Observed.class, this::observed)
        .onMessage(Unavailable.class, this::unavailable)
        .onMessage(Completed.class, this::completed)
        .onMessage(AxonServed.class, served -> {
          LOG.info("{}", served.detail());
          return this;
        })
        .onMessage(Shutdown.class, this::shutdown)
        .build();
  }

  private void checkRegistration() {
    int netuid = dependencies.settings().netuid();
    dependencies.chain().uid(netuid, dependencies.hotkey().accountId()).whenComplete((uid, failure) -> {
      if (failure != null) {
        LOG.warn("cannot check whether {} is registered on subnet {}: {}", dependencies.hotkey().ss58Address(), netuid, failure.getMessage());
      } else if (uid.isEmpty()) {
        LOG.error("hotkey {} is not registered on subnet {}: the chain will refuse its commitments; register it (btcli subnets register)",
            dependencies.hotkey().ss58Address(), netuid);
      }
    });
  }

  private void serveAxon(BlockZeroSettings.HostPort axon) {
    CompletionStage<String> served;
    try {
      InetAddress address = InetAddress.getByName(axon.host());
      served = dependencies.chain().serveAxon(dependencies.hotkey(), dependencies.settings().netuid(), address, axon.port(), 4, 1)
          .thenApply(inclusion -> "serve_axon " + axon + " on subnet " + dependencies.settings().netuid() + " included in block "
              + inclusion.blockNumber());
    } catch (java.net.UnknownHostException unknown) {
      served = java.util.concurrent.CompletableFuture.completedFuture("QUARRY_BLOCKZERO_AXON host " + axon.host() + " does not resolve");
    }
    getContext().pipeToSelf(served, (detail, failure) -> new AxonServed(failure == null ? detail
        : "serve_axon " + axon + " failed: " + failure.getMessage() + " (validators may skip miners without an axon)"));
  }

  private Behavior<Command> poll() {
    if (stopReply != null) {
      return this;
    }
    CompletionStage<Observed> observation = phases.phase().thenCombine(phases.upcoming(), Observed::new);
    getContext().pipeToSelf(observation, (observed, failure) -> failure == null ? observed
        : new Unavailable(ValidatorClient.unwrap(failure)));
    return this;
  }

  private Behavior<Command> unavailable(Unavailable unavailable) {
    String problem = unavailable.failure().getMessage();
    if (!problem.equals(lastProblem)) {
      LOG.warn("phase service unavailable: {}; asking again every {} blocks", problem, FALLBACK_BLOCKS);
      lastProblem = problem;
    }
    dependencies.metrics().error(Metrics.Component.BLOCKZERO);
    schedulePoll(blocks(FALLBACK_BLOCKS));
    return this;
  }

  private Behavior<Command> observed(Observed observed) {
    PhaseInfo phase = observed.phase();
    lastProblem = null;
    dependencies.metrics().blockzeroPhase(phase.phaseIndex(), phase.block());
    if (lastPhase != null && lastPhase.cycleIndex() != phase.cycleIndex()) {
      String current = phase.cycleIndex() + ":";
      started.removeIf(key -> !key.startsWith(current));
    }
    if (lastPhase == null || lastPhase.cycleIndex() != phase.cycleIndex() || !lastPhase.phaseName().equals(phase.phaseName())) {
      LOG.info("<{}> has started (cycle {}): {} blocks passed, {} blocks left in phase", phase.phaseName(), phase.cycleIndex(),
          phase.blocksIntoPhase(), phase.blocksRemainingInPhase());
    }
    lastPhase = phase;
    publish();
    if (stopReply != null) {
      return this;
    }
    long cycle = phase.cycleIndex();
    Optional<PhaseName> name = phase.phase();
    if (name.isPresent()) {
      switch (name.get()) {
        case DISTRIBUTE -> start(Job.DOWNLOAD, cycle, () -> jobs.download(phase));
        case MINER_COMMIT_1 -> {
          if (state.committedIn(cycle).isEmpty()) {
            start(Job.SIGNED_HASH_COMMIT, cycle, () -> jobs.commitSignedHash(phase));
          }
        }
        case MINER_COMMIT_2 -> {
          Optional<Committed> committed = state.committedIn(cycle);
          if (committed.isPresent() && !committed.get().recordCommitted()) {
            start(Job.RECORD_COMMIT, cycle, () -> jobs.commitRecord(phase, committed.get()));
          } else if (committed.isEmpty() && started.add(cycle + ":" + Job.RECORD_COMMIT)) {
            finishedWithout(Job.RECORD_COMMIT, "nothing was committed in MinerCommit1 of cycle " + cycle + "; no record to commit");
          }
        }
        case SUBMISSION -> {
          Optional<Committed> committed = state.committedIn(cycle);
          if (committed.isPresent() && committed.get().recordCommitted() && !state.submittedIn(cycle)) {
            start(Job.SUBMISSION, cycle, () -> jobs.submit(phase, committed.get()));
          } else if ((committed.isEmpty() || !committed.get().recordCommitted()) && started.add(cycle + ":" + Job.SUBMISSION)) {
            finishedWithout(Job.SUBMISSION, "no complete commitment in cycle " + cycle + "; nothing to submit");
          }
        }
        default -> { }
      }
    }
    schedulePoll(untilNextActivePhase(phase, observed.upcoming()));
    return this;
  }

  private void finishedWithout(Job job, String reason) {
    LOG.info("<{}> {}", job.phase.wireName(), reason);
    dependencies.metrics().blockzeroJob(job.metric, Metrics.BlockZeroOutcome.NOTHING_TO_DO);
    lastResults.put(job, JobResult.nothingToDo(reason));
  }

  private void start(Job job, long cycle, Supplier<CompletionStage<JobResult>> work) {
    if (!started.add(cycle + ":" + job)) {
      return;
    }
    LOG.info("<{}> {} job started", job.phase.wireName(), job.label);
    running.add(job);
    runners.get(job).tell(new JobRunner.Run(job, cycle, work, getContext().getSelf()));
  }

  private Behavior<Command> completed(Completed completed) {
    running.remove(completed.kind());
    JobResult result = completed.result();
    lastResults.put(completed.kind(), result);
    dependencies.metrics().blockzeroJob(completed.kind().metric, Metrics.BlockZeroOutcome.valueOf(result.outcome().name()));
    String phase = completed.kind().phase.wireName();
    switch (result.outcome()) {
      case DONE, NOTHING_TO_DO -> LOG.info("<{}> {}: {}", phase, completed.kind().label, result.detail());
      default -> {
        LOG.warn("<{}> {} {}: {}", phase, completed.kind().label, result.outcome().name().toLowerCase(java.util.Locale.ROOT),
            result.detail());
        dependencies.metrics().error(Metrics.Component.BLOCKZERO);
      }
    }
    if (result.committed().isPresent()) {
      state = state.withCommitted(result.committed().get());
      save();
    }
    if (completed.kind() == Job.SUBMISSION && result.outcome() == JobResult.Outcome.DONE) {
      state = state.withSubmitted(completed.cycle());
      save();
    }
    publish();
    if (stopReply != null && running.stream().noneMatch(job -> job == Job.SIGNED_HASH_COMMIT || job == Job.RECORD_COMMIT)) {
      return stopped();
    }
    return this;
  }

  private Behavior<Command> shutdown(Shutdown shutdown) {
    stopReply = shutdown.replyTo();
    timers.cancelAll();
    runners.get(Job.DOWNLOAD).tell(JobRunner.Abort.INSTANCE);
    runners.get(Job.SUBMISSION).tell(JobRunner.Abort.INSTANCE);
    boolean committing = running.contains(Job.SIGNED_HASH_COMMIT) || running.contains(Job.RECORD_COMMIT);
    if (committing) {
      LOG.info("stopping: waiting for the commitment in flight to land, then saving the state");
      return this;
    }
    return stopped();
  }

  private Behavior<Command> stopped() {
    save();
    LOG.info("model-io stopped; state saved in {}", dependencies.store().modelIoDirectory());
    stopReply.tell(Done.getInstance());
    return Behaviors.stopped();
  }

  private void save() {
    try {
      state.write(dependencies.store().modelIoDirectory());
    } catch (java.io.IOException unwritable) {
      LOG.error("cannot save the model-io state in {}: {}", dependencies.store().modelIoDirectory(), unwritable.getMessage());
    }
  }

  private void publish() {
    if (status != null) {
      status.set(new Status(lastPhase, state, Map.copyOf(lastResults)));
    }
  }

  /**
   * The wait before asking again: the reference's {@code min(b, max(3, 0.9 b))} blocks, where b is
   * the distance to the next phase this daemon acts in; at least a quarter block (a phase service
   * that says "0 blocks" while still reporting the previous phase is asked again soon, not in a loop).
   */
  private Duration untilNextActivePhase(PhaseInfo phase, Map<String, PhaseSchedule.Upcoming> upcoming) {
    long next = Long.MAX_VALUE;
    for (PhaseName name : ACTIVE) {
      PhaseSchedule.Upcoming coming = upcoming.get(name.wireName());
      if (coming != null && !phase.is(name)) {
        next = Math.min(next, coming.blocksUntil());
      }
    }
    if (next == Long.MAX_VALUE) {
      next = FALLBACK_BLOCKS;
    }
    double sleep = Math.min(next, Math.max(FALLBACK_BLOCKS, 0.9 * next));
    sleep = Math.min(sleep, MAX_SLEEP_BLOCKS);
    Duration wait = Duration.ofMillis(Math.round(sleep * dependencies.settings().blockTime().toMillis()));
    Duration floor = dependencies.settings().blockTime().dividedBy(4);
    return wait.compareTo(floor) < 0 ? floor : wait;
  }

  private Duration blocks(int count) {
    return dependencies.settings().blockTime().multipliedBy(count);
  }

  private void schedulePoll(Duration delay) {
    timers.startSingleTimer(Poll.INSTANCE, Poll.INSTANCE, delay);
  }
}
