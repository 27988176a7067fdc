package dev.quarry.mining.worker;

import dev.quarry.grail.rollout.CommittedProof;
import dev.quarry.grail.rollout.RolloutGroupAssembler;
import dev.quarry.http.MinerStatus;
import dev.quarry.http.Metrics;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.Completion;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.SamplingParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device (the CPU or one GPU) and the one model loaded on it. Model calls block and are not
 * thread-safe, so the actor runs them one at a time on the model dispatcher and queues the rest:
 * proof passes first (they finish groups), then generation, where requests waiting together are
 * combined into one batch of up to {@code maxBatchSequences} sequences (Grail's
 * {@code GRAIL_PIPELINE_MAX_NUM_SEQS}), since a device generates many sequences for about the price
 * of one.
 *
 * <p>Every request names the checkpoint it was planned for; a request for another checkpoint than
 * the loaded one fails rather than silently using other weights (the rows would then carry the
 * wrong {@code checkpoint_window}). Loading a new checkpoint fails what is still queued for the old
 * one. The model is closed only when no call is using it.
 */
public final class DeviceWorker extends AbstractBehavior<DeviceWorker.Command> {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);

  /** What a device worker accepts. All local to its node. */
  public interface Command {}

  /** Load checkpoint {@code checkpointWindow} from {@code directory} (no-op if it is loaded). */
  public record Load(long checkpointWindow, Path directory, ActorRef<Loaded> replyTo) implements Command {}

  /** The answer to {@link Load}: {@code failure} is null on success. */
  public record Loaded(String device, long checkpointWindow, String failure) {}

  /** Generate {@code rollouts} completions of one prompt. */
  public record Generate(long checkpointWindow, long problemIndex, int[] prompt, int rollouts, SamplingParameters sampling,
      int maxNewTokens, Set<Integer> stopTokens, long seed, ActorRef<Generated> replyTo) implements Command {}

  /** The answer to {@link Generate}: completions in order, or the failure. */
  public record Generated(String device, long problemIndex, List<int[]> completions, String failure, Duration took) {}

  /**
   * Run the proof pass over a group's sequences and reduce each to sketches with {@code assembler}
   * (the window's beacon) as soon as its sub-batch is done.
   */
  public record Prove(long checkpointWindow, long problemIndex, List<int[]> sequences, int[] promptLengths,
      RolloutGroupAssembler assembler, ActorRef<Proved> replyTo) implements Command {}

  /** The answer to {@link Prove}. */
  public record Proved(String device, long problemIndex, List<CommittedProof> proofs, String failure, Duration took) {}

  /** Report this device's load since the last report. */
  public record ReportLoad(ActorRef<MinerStatus.DeviceLoad> replyTo) implements Command {}

  private record JobDone(Job job, Object outcome, Throwable failure, long nanos) implements Command {}

  /** A queued unit of work. */
  private sealed interface Job permits LoadJob, GenerateJob, ProveJob {}

  private record LoadJob(Load request) implements Job {}

  private record GenerateJob(List<Generate> requests) implements Job {}

  private record ProveJob(Prove request) implements Job {}

  /** The model and a lock: closing waits for the call that is using it. */
  private static final class ModelSlot {
    private final ReentrantLock lock = new ReentrantLock();
    private CausalLanguageModel model;
    private long checkpointWindow = -1;

    <T> T use(java.util.function.Function<CausalLanguageModel, T> call) {
      lock.lock();
      try {
        if (model == null) {
          throw new IllegalStateException("no model is loaded");
        }
        return call.apply(model);
      } finally {
        lock.unlock();
      }
    }

    void replace(Supplier<CausalLanguageModel> loader, long window) {
      lock.lock();
      try {
        closeLocked();
        model = loader.get();
        checkpointWindow = window;
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        closeLocked();
      } finally {
        lock.unlock();
      }
    }

    private void closeLocked() {
      if (model != null) {
        model.close();
        model = null;
        checkpointWindow = -1;
      }
    }
  }

  private final String deviceName;
  private final DeviceSpec device;
  private final int maxBatchSequences;
  private final Executor modelExecutor;
  private final Metrics metrics;
  private final ModelSlot slot = new ModelSlot();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private long loadedCheckpoint = -1;
  private long loadingCheckpoint = -1;
  private final List<ActorRef<Loaded>> loadWaiters = new ArrayList<>();
  private Job running;
  private int activeSequences;
  // load accounting since the last report
  private long busyNanos;
  private long busySince;
  private long reportedAt = System.nanoTime();
  private long tokensSinceReport;

  private DeviceWorker(ActorContext<Command> context, DeviceSpec device, int maxBatchSequences, Executor modelExecutor,
      Metrics metrics) {
    super(context);
    this.device = device;
    this.deviceName = deviceName(device);
    this.maxBatchSequences = Math.max(1, maxBatchSequences);
    this.modelExecutor = modelExecutor;
    this.metrics = metrics;
  }

  /**
   * @param maxBatchSequences most sequences generated together
   * @param modelExecutor where blocking model calls run ({@code quarry.dispatchers.model})
   */
  public static Behavior<Command> create(DeviceSpec device, int maxBatchSequences, Executor modelExecutor, Metrics metrics) {
    return Behaviors.setup(context -> new DeviceWorker(context, device, maxBatchSequences, modelExecutor, metrics));
  }

  /** How metrics and status name a device: {@code cpu} or {@code gpu:N}. */
  public static String deviceName(DeviceSpec device) {
    return device.kind() == DeviceSpec.Kind.CPU ? "cpu" : "gpu:" + device.index();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Load.class, this::onLoad)
        .onMessage(Generate.class, this::onGenerate)
        .onMessage(Prove.class, this::onProve)
        .onMessage(ReportLoad.class, this::onReportLoad)
        .onMessage(JobDone.class, this::onJobDone)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onLoad(Load load) {
    if (load.checkpointWindow() == loadedCheckpoint && loadingCheckpoint < 0) {
      load.replyTo().tell(new Loaded(deviceName, loadedCheckpoint, null));
      return this;
    }
    if (load.checkpointWindow() == loadingCheckpoint) {
      loadWaiters.add(load.replyTo());
      return this;
    }
    // Whatever waits for another checkpoint can no longer be served with the right weights.
    Iterator<Job> waiting = queue.iterator();
    while (waiting.hasNext()) {
      Job job = waiting.next();
      if (job instanceof GenerateJob generate) {
        generate.requests().removeIf(request -> {
          if (request.checkpointWindow() != load.checkpointWindow()) {
            request.replyTo().tell(new Generated(deviceName, request.problemIndex(), List.of(),
                "the device switched to checkpoint " + load.checkpointWindow(), Duration.ZERO));
            return true;
          }
          return false;
        });
        if (generate.requests().isEmpty()) {
          waiting.remove();
        }
      } else if (job instanceof ProveJob prove && prove.request().checkpointWindow() != load.checkpointWindow()) {
        prove.request().replyTo().tell(new Proved(deviceName, prove.request().problemIndex(), List.of(),
            "the device switched to checkpoint " + load.checkpointWindow(), Duration.ZERO));
        waiting.remove();
      }
    }
    long superseded = loadingCheckpoint;
    loadWaiters.forEach(waiter -> waiter.tell(new Loaded(deviceName, superseded, "superseded by checkpoint " + load.checkpointWindow())));
    loadingCheckpoint = load.checkpointWindow();
    loadWaiters.clear();
    loadWaiters.add(load.replyTo());
    queue.removeIf(LoadJob.class::isInstance);
    queue.addFirst(new LoadJob(load));
    startNext();
    return this;
  }

  private Behavior<Command> onGenerate(Generate generate) {
    String problem = checkpointProblem(generate.checkpointWindow());
    if (problem != null) {
      generate.replyTo().tell(new Generated(deviceName, generate.problemIndex(), List.of(), problem, Duration.ZERO));
      return this;
    }
    queue.addLast(new GenerateJob(new ArrayList<>(List.of(generate))));
    startNext();
    return this;
  }

  private Behavior<Command> onProve(Prove prove) {
    String problem = checkpointProblem(prove.checkpointWindow());
    if (problem != null) {
      prove.replyTo().tell(new Proved(deviceName, prove.problemIndex(), List.of(), problem, Duration.ZERO));
      return this;
    }
    queue.addLast(new ProveJob(prove));
    startNext();
    return this;
  }

  /** Why a request for {@code checkpoint} cannot be served, or null. */
  private String checkpointProblem(long checkpoint) {
    long target = loadingCheckpoint >= 0 ? loadingCheckpoint : loadedCheckpoint;
    if (target < 0) {
      return "no model is loaded on " + deviceName;
    }
    if (checkpoint != target) {
      return deviceName + " holds checkpoint " + target + ", not " + checkpoint;
    }
    return null;
  }

  private Behavior<Command> onReportLoad(ReportLoad report) {
    long now = System.nanoTime();
    long busy = busyNanos + (running != null ? now - busySince : 0);
    double interval = Math.max(1, now - reportedAt);
    double utilization = Math.min(1.0, busy / interval);
    double tokensPerSecond = tokensSinceReport / (interval / 1e9);
    busyNanos = 0;
    if (running != null) {
      busySince = now;
    }
    reportedAt = now;
    tokensSinceReport = 0;
    metrics.deviceLoad(deviceName, utilization, -1, -1, activeSequences, tokensPerSecond);
    report.replyTo().tell(new MinerStatus.DeviceLoad(deviceName, utilization, -1, -1, tokensPerSecond, activeSequences));
    return this;
  }

  private void startNext() {
    if (running != null || queue.isEmpty()) {
      return;
    }
    Job job = nextJob();
    running = job;
    busySince = System.nanoTime();
    long started = busySince;
    CompletableFuture<Object> work;
    if (job instanceof LoadJob load) {
      work = CompletableFuture.supplyAsync(() -> {
        slot.replace(() -> {
          try {
            return CausalLanguageModel.load(load.request().directory(), device);
          } catch (dev.quarry.model.ModelLoadException exception) {
            throw new IllegalStateException(exception.getMessage(), exception);
          }
        }, load.request().checkpointWindow());
        return load.request().checkpointWindow();
      }, modelExecutor);
    } else if (job instanceof GenerateJob generate) {
      List<Generate> requests = generate.requests();
      List<int[]> prompts = new ArrayList<>();
      for (Generate request : requests) {
        prompts.addAll(Collections.nCopies(request.rollouts(), request.prompt()));
      }
      activeSequences = prompts.size();
      Generate first = requests.get(0);
      work = CompletableFuture.supplyAsync(() -> slot.use(model -> model.generator().generate(prompts, first.sampling(),
          first.maxNewTokens(), first.seed(), first.stopTokens())), modelExecutor).thenApply(completions -> completions);
    } else {
      Prove prove = ((ProveJob) job).request();
      activeSequences = prove.sequences().size();
      work = CompletableFuture.supplyAsync(() -> slot.use(model -> {
        List<CommittedProof> reduced = new ArrayList<>(prove.sequences().size());
        model.proofForward().run(prove.sequences(), prove.promptLengths(), ProofOptions.miner(),
            result -> reduced.add(prove.assembler().commit(result)));
        return reduced;
      }), modelExecutor);
    }
    getContext().pipeToSelf(work, (outcome, failure) -> new JobDone(job, outcome, unwrap(failure), System.nanoTime() - started));
  }

  /** Proofs first (they finish groups); generation requests that wait together become one batch. */
  private Job nextJob() {
    Job head = queue.peekFirst();
    if (head instanceof LoadJob) {
      return queue.pollFirst();
    }
    for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
      Job job = it.next();
      if (job instanceof LoadJob) {
        break;
      }
      if (job instanceof ProveJob) {
        it.remove();
        return job;
      }
    }
    GenerateJob batch = (GenerateJob) queue.pollFirst();
    int sequences = batch.requests().stream().mapToInt(Generate::rollouts).sum();
    Generate first = batch.requests().get(0);
    for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
      Job job = it.next();
      if (job instanceof LoadJob) {
        break;
      }
      if (job instanceof GenerateJob more) {
        Generate candidate = more.requests().get(0);
        if (more.requests().size() == 1 && candidate.checkpointWindow() == first.checkpointWindow()
            && candidate.sampling().equals(first.sampling()) && candidate.maxNewTokens() == first.maxNewTokens()
            && candidate.stopTokens().equals(first.stopTokens())
            && sequences + candidate.rollouts() <= maxBatchSequences) {
          batch.requests().add(candidate);
          sequences += candidate.rollouts();
          it.remove();
        }
      }
    }
    return batch;
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onJobDone(JobDone done) {
    running = null;
    activeSequences = 0;
    busyNanos += System.nanoTime() - busySince;
    Duration took = Duration.ofNanos(done.nanos());
    Job job = done.job();
    String failure = done.failure() == null ? null : describe(done.failure());
    if (job instanceof LoadJob load) {
      Load request = load.request();
      if (failure == null) {
        loadedCheckpoint = request.checkpointWindow();
        LOG.info("{}: checkpoint {} loaded in {} ms", deviceName, loadedCheckpoint, took.toMillis());
      } else {
        loadedCheckpoint = -1;
        metrics.error(Metrics.Component.MODEL);
        LOG.error("{}: cannot load checkpoint {}: {}", deviceName, request.checkpointWindow(), failure);
      }
      if (loadingCheckpoint == request.checkpointWindow()) {
        loadingCheckpoint = -1;
      }
      if (loadingCheckpoint < 0) {
        loadWaiters.forEach(waiter -> waiter.tell(new Loaded(deviceName, request.checkpointWindow(), failure)));
        loadWaiters.clear();
      }
      if (failure != null) {
        failQueued("checkpoint " + request.checkpointWindow() + " could not be loaded on " + deviceName + ": " + failure);
      }
    } else if (job instanceof GenerateJob generate) {
      List<Generate> requests = generate.requests();
      if (failure != null) {
        metrics.error(Metrics.Component.MODEL);
        LOG.warn("{}: generation of {} group(s) failed: {}", deviceName, requests.size(), failure);
        requests.forEach(request -> request.replyTo().tell(new Generated(deviceName, request.problemIndex(), List.of(), failure, took)));
      } else {
        List<Completion> completions = (List<Completion>) done.outcome();
        int offset = 0;
        for (Generate request : requests) {
          List<int[]> mine = new ArrayList<>(request.rollouts());
          long tokens = 0;
          for (int i = 0; i < request.rollouts(); i++) {
            int[] completion = completions.get(offset + i).tokens();
            mine.add(completion);
            tokens += completion.length;
          }
          offset += request.rollouts();
          tokensSinceReport += tokens;
          metrics.rolloutsGenerated(deviceName, request.rollouts(), tokens);
          metrics.generationTime(deviceName, took);
          request.replyTo().tell(new Generated(deviceName, request.problemIndex(), mine, null, took));
        }
      }
    } else {
      Prove request = ((ProveJob) job).request();
      if (failure != null) {
        metrics.error(Metrics.Component.MODEL);
        LOG.warn("{}: proof pass of group {} failed: {}", deviceName, request.problemIndex(), failure);
        request.replyTo().tell(new Proved(deviceName, request.problemIndex(), List.of(), failure, took));
      } else {
        metrics.proofTime(deviceName, took);
        request.replyTo().tell(new Proved(deviceName, request.problemIndex(), (List<CommittedProof>) done.outcome(), null, took));
      }
    }
    startNext();
    return this;
  }

  private void failQueued(String reason) {
    while (!queue.isEmpty()) {
      Job job = queue.peekFirst();
      if (job instanceof LoadJob) {
        break;
      }
      queue.pollFirst();
      if (job instanceof GenerateJob generate) {
        generate.requests().forEach(request -> request.replyTo().tell(
            new Generated(deviceName, request.problemIndex(), List.of(), reason, Duration.ZERO)));
      } else if (job instanceof ProveJob prove) {
        prove.request().replyTo().tell(new Proved(deviceName, prove.request().problemIndex(), List.of(), reason, Duration.ZERO));
      }
    }
  }

  private Behavior<Command> onStop() {
    // A call may still be running on the model dispatcher: close once it has let go of the model.
    Thread closer = new Thread(slot::close, "quarry-close-" + deviceName);
    closer.setDaemon(true);
    closer.start();
    return this;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "DeviceWorker[" + deviceName + "]";
  }
}
