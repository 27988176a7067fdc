package dev.quarry.mining.worker;

import dev.quarry.env.Evaluation;
import dev.quarry.env.UnscorableCompletionException;
import dev.quarry.grail.rollout.CommittedProof;
import dev.quarry.grail.rollout.CompletionScoring;
import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.grail.rollout.PreparedProblem;
import dev.quarry.mining.GroupFiles;
import dev.quarry.mining.MiningProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A window's rollout pipeline on one node, as a Pekko Streams graph:
 *
 * <pre>
 *   pull a problem index from the coordinator (only when the next stage has room)
 *     → prepare the prompt (blocking pool)
 *     → generate 16 rollouts on a generation device (least busy first; batched by the device)
 *     → proof pass and sketches on the proof device
 *     → score, sign and assemble the group (blocking pool)
 *     → hand the outcome to the node agent
 * </pre>
 *
 * <p>Backpressure runs end to end: each stage has a fixed number of groups in flight, so when the
 * devices are busy the source stops asking and the coordinator hands the next problem to a node with
 * room. A failure in any stage drops that group with its reason; the stream itself keeps going.
 */
final class RolloutPipeline {

  /** What the pipeline needs from its node. */
  interface Host {
    /** Asks the coordinator (through the agent) for the next problem. */
    CompletionStage<MiningProtocol.WorkAnswer> pull(long windowStart);

    /** A group is done (assembled or dropped). */
    void finished(Result result);
  }

  /** What became of one granted problem. */
  record Result(long windowStart, long problemIndex, GroupOutcome outcome, byte[] groupFile, long completionTokens,
      Duration took, String device) {}

  /** A granted problem on its way through the stages. */
  private record Item(MiningProtocol.Granted grant, long startedNanos, PreparedProblem problem, List<int[]> completions,
      List<CommittedProof> proofs, String device, GroupOutcome.Dropped dropped) {

    static Item granted(MiningProtocol.Granted grant) {
      return new Item(grant, System.nanoTime(), null, null, null, "", null);
    }

    Item drop(GroupOutcome.DropReason reason, String detail) {
      return new Item(grant, startedNanos, problem, completions, proofs, device,
          new GroupOutcome.Dropped(grant.problemIndex(), reason, detail));
    }

    boolean isDropped() {
      return dropped != null;
    }
  }

  private static final Duration DEVICE_TIMEOUT = Duration.ofMinutes(30);

  private final WindowWork work;
  private final Host host;
  private final List<ActorRef<DeviceWorker.Command>> generators;
  private final List<AtomicInteger> generatorLoad = new ArrayList<>();
  private final ActorRef<DeviceWorker.Command> prover;
  private final int generationParallelism;
  private final Executor blocking;
  private final ActorSystem<?> system;

  RolloutPipeline(WindowWork work, Host host, List<ActorRef<DeviceWorker.Command>> generators,
      ActorRef<DeviceWorker.Command> prover, int maxBatchSequences, Executor blocking, ActorSystem<?> system) {
    this.work = work;
    this.host = host;
    this.generators = List.copyOf(generators);
    this.generators.forEach(generator -> generatorLoad.add(new AtomicInteger()));
    this.prover = prover;
    // Enough groups in flight per device for it to fill one batch, and no more: more would only
    // queue problems on this node that another node could be generating.
    this.generationParallelism = generators.size() * Math.max(1, maxBatchSequences / work.groupSize());
    this.blocking = blocking;
    this.system = system;
  }

  /** Starts the pipeline; the kill switch aborts it (in-flight groups are abandoned), the stage completes when it ends. */
  Pair<UniqueKillSwitch, CompletionStage<Done>> run() {
    long window = work.windowStart();
    // A problem is asked for only when a generation slot is free, so the coordinator hands problems to
    // the nodes that can start them now; once it says "no more", the slots drain and the stream ends.
    AtomicBoolean noMoreWork = new AtomicBoolean();
    return Source.repeat(window)
        .takeWhile(ignored -> !noMoreWork.get())
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsyncUnordered(generationParallelism, ignored -> nextGrant(window).thenCompose(answer -> {
          if (!(answer instanceof MiningProtocol.Granted granted)) {
            noMoreWork.set(true);
            return CompletableFuture.completedFuture(Optional.<Item>empty());
          }
          return onBlocking(Item.granted(granted), this::prepare).thenCompose(this::generate).thenApply(Optional::of);
        }))
        .filter(Optional::isPresent)
        .map(Optional::get)
        .mapAsyncUnordered(1, this::prove)
        .mapAsyncUnordered(1, item -> onBlocking(item, this::assemble))
        .toMat(Sink.foreach(result -> host.finished(result)), Keep.both())
        .run(Materializer.matFromSystem(system));
  }

  /** Asks until the coordinator grants a problem or says generation is over. */
  private CompletionStage<MiningProtocol.WorkAnswer> nextGrant(long window) {
    return host.pull(window).thenCompose(answer -> {
      if (answer instanceof MiningProtocol.Wait wait) {
        return Patterns.after(Duration.ofMillis(Math.max(50, wait.retryAfterMillis())), system.classicSystem().scheduler(),
            system.executionContext(), () -> nextGrant(window));
      }
      return CompletableFuture.completedFuture(answer);
    });
  }

  private <T> CompletableFuture<T> onBlocking(Item item, Function<Item, T> step) {
    return CompletableFuture.supplyAsync(() -> step.apply(item), blocking);
  }

  private Item prepare(Item item) {
    long index = item.grant().problemIndex();
    PreparedProblem problem;
    try {
      problem = work.preparer().prepare(index);
    } catch (RuntimeException failure) {
      return item.drop(GroupOutcome.DropReason.GENERATION_FAILED, "cannot build problem " + index + ": " + failure.getMessage());
    }
    Item prepared = new Item(item.grant(), item.startedNanos(), problem, null, null, "", null);
    if ((long) problem.promptLength() + work.maxNewTokens() > work.maxSequenceLength()) {
      return prepared.drop(GroupOutcome.DropReason.PROMPT_TOO_LONG, "prompt of " + problem.promptLength() + " tokens plus "
          + work.maxNewTokens() + " new tokens exceeds " + work.maxSequenceLength());
    }
    return prepared;
  }

  private CompletionStage<Item> generate(Item item) {
    if (item.isDropped()) {
      return CompletableFuture.completedFuture(item);
    }
    int chosen = 0;
    for (int i = 1; i < generators.size(); i++) {
      if (generatorLoad.get(i).get() < generatorLoad.get(chosen).get()) {
        chosen = i;
      }
    }
    AtomicInteger load = generatorLoad.get(chosen);
    load.incrementAndGet();
    long seed = work.windowStart() * 1_000_003L + item.grant().problemIndex();
    PreparedProblem problem = item.problem();
    CompletionStage<DeviceWorker.Generated> reply = AskPattern.ask(generators.get(chosen),
        replyTo -> new DeviceWorker.Generate(work.checkpointWindow(), problem.problemIndex(), problem.promptTokens(),
            work.groupSize(), work.sampling(), work.maxNewTokens(), work.stopTokens(), seed, replyTo),
        DEVICE_TIMEOUT, system.scheduler());
    return reply.handle((generated, failure) -> {
      load.decrementAndGet();
      if (failure != null) {
        return item.drop(GroupOutcome.DropReason.GENERATION_FAILED, "no answer from the generator: " + failure.getMessage());
      }
      if (generated.failure() != null) {
        GroupOutcome.DropReason reason = generated.failure().contains("PromptTooLong")
            ? GroupOutcome.DropReason.PROMPT_TOO_LONG : GroupOutcome.DropReason.GENERATION_FAILED;
        return item.drop(reason, generated.failure());
      }
      return new Item(item.grant(), item.startedNanos(), problem, generated.completions(), null, generated.device(), null);
    });
  }

  private CompletionStage<Item> prove(Item item) {
    if (item.isDropped()) {
      return CompletableFuture.completedFuture(item);
    }
    int[] prompt = item.problem().promptTokens();
    List<int[]> sequences = new ArrayList<>(item.completions().size());
    int[] promptLengths = new int[item.completions().size()];
    for (int i = 0; i < item.completions().size(); i++) {
      int[] completion = item.completions().get(i);
      int[] sequence = new int[prompt.length + completion.length];
      System.arraycopy(prompt, 0, sequence, 0, prompt.length);
      System.arraycopy(completion, 0, sequence, prompt.length, completion.length);
      sequences.add(sequence);
      promptLengths[i] = prompt.length;
    }
    CompletionStage<DeviceWorker.Proved> reply = AskPattern.ask(prover,
        replyTo -> new DeviceWorker.Prove(work.checkpointWindow(), item.problem().problemIndex(), sequences, promptLengths,
            work.assembler(), replyTo),
        DEVICE_TIMEOUT, system.scheduler());
    return reply.handle((proved, failure) -> {
      if (failure != null) {
        return item.drop(GroupOutcome.DropReason.PROOF_FAILED, "no answer from the proof device: " + failure.getMessage());
      }
      if (proved.failure() != null) {
        return item.drop(GroupOutcome.DropReason.PROOF_FAILED, proved.failure());
      }
      return new Item(item.grant(), item.startedNanos(), item.problem(), item.completions(), proved.proofs(), item.device(), null);
    });
  }

  private Result assemble(Item item) {
    if (item.isDropped()) {
      return result(item, item.dropped(), null, 0);
    }
    List<Evaluation> evaluations = new ArrayList<>(item.completions().size());
    try {
      for (int[] completion : item.completions()) {
        evaluations.add(CompletionScoring.evaluate(work.environment(), item.problem().problem(), work.thinkingMode(),
            work.tokenizer(), completion));
      }
    } catch (UnscorableCompletionException unscorable) {
      return result(item, item.drop(GroupOutcome.DropReason.EVALUATION_FAILED, unscorable.getMessage()).dropped(), null, 0);
    } catch (RuntimeException failure) {
      return result(item, item.drop(GroupOutcome.DropReason.EVALUATION_FAILED,
          "scoring failed: " + failure.getClass().getSimpleName() + ": " + failure.getMessage()).dropped(), null, 0);
    }
    double timestamp = System.currentTimeMillis() / 1000.0;
    GroupOutcome outcome;
    try {
      outcome = work.assembler().assembleCommitted(item.problem(), item.grant().block(), item.completions(), item.proofs(),
          evaluations, timestamp);
    } catch (RuntimeException failure) {
      return result(item, item.drop(GroupOutcome.DropReason.PROOF_FAILED, "assembly failed: " + failure.getMessage()).dropped(),
          null, 0);
    }
    if (outcome instanceof GroupOutcome.Assembled assembled) {
      byte[] file = GroupFiles.encode(work.hotkey(), work.windowStart(), work.plan().windowLength(), timestamp, assembled.rows());
      return result(item, assembled, file, assembled.completionTokens());
    }
    return result(item, outcome, null, 0);
  }

  private Result result(Item item, GroupOutcome outcome, byte[] file, long tokens) {
    return new Result(work.windowStart(), item.grant().problemIndex(), outcome, file, tokens,
        Duration.ofNanos(System.nanoTime() - item.startedNanos()), item.device());
  }
}
