package dev.quarry.blockzero.training;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.http.Metrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code blockzero train} role: owns an {@link ExpertGroupTrainer} and drives it one optimizer
 * step per message, so a {@link Stop} is handled between steps: the trainer writes a checkpoint of
 * any unsaved steps and releases the model before replying. Spawn it on a blocking dispatcher
 * (steps take seconds to minutes). After each step it logs the step, loss, learning rate and
 * throughput, records metrics, writes a checkpoint when due and switches to a newer validator
 * version when the model-io role has downloaded one.
 */
public final class TrainerActor extends AbstractBehavior<TrainerActor.Command> {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerActor.class);

  /** Messages. */
  public sealed interface Command permits Start, Step, Stop {}

  private enum Start implements Command { INSTANCE }

  private enum Step implements Command { INSTANCE }

  /** Finish the current step, write a checkpoint if anything is unsaved, stop, then reply. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  private final BlockZeroSettings settings;
  private final BlockZeroSettings.TrainingInputs inputs;
  private final CheckpointStore store;
  private final Metrics metrics;
  private final long maxSteps;
  private final AtomicReference<StepReport> latest;
  private final CompletableFuture<Done> finished;
  private ExpertGroupTrainer trainer;
  private long steps;

  private TrainerActor(ActorContext<Command> context, BlockZeroSettings settings, BlockZeroSettings.TrainingInputs inputs,
      CheckpointStore store, Metrics metrics, long maxSteps, AtomicReference<StepReport> latest, CompletableFuture<Done> finished) {
    super(context);
    this.settings = settings;
    this.inputs = inputs;
    this.store = store;
    this.metrics = metrics;
    this.maxSteps = maxSteps;
    this.latest = latest;
    this.finished = finished;
    context.getSelf().tell(Start.INSTANCE);
  }

  /**
   * @param maxSteps stop (after a checkpoint) after this many steps; 0 trains until stopped
   * @param latest receives each step's report (for status pages)
   * @param finished completes when training ends: normally, after a stop, or exceptionally on failure
   */
  public static Behavior<Command> create(BlockZeroSettings settings, BlockZeroSettings.TrainingInputs inputs, CheckpointStore store,
      Metrics metrics, long maxSteps, AtomicReference<StepReport> latest, CompletableFuture<Done> finished) {
    return Behaviors.setup(context -> new TrainerActor(context, settings, inputs, store, metrics, maxSteps, latest, finished));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Start.INSTANCE, this::start)
        .onMessageEquals(Step.INSTANCE, this::step)
        .onMessage(Stop.class, this::stop)
        .build();
  }

  private Behavior<Command> start() {
    try {
      trainer = ExpertGroupTrainer.start(settings, inputs, store);
    } catch (Exception failure) {
      LOG.error("training cannot start: {}", failure.getMessage());
      metrics.error(Metrics.Component.BLOCKZERO);
      finished.completeExceptionally(failure);
      return Behaviors.stopped();
    }
    getContext().getSelf().tell(Step.INSTANCE);
    return this;
  }

  private Behavior<Command> step() {
    try {
      StepReport report = trainer.step();
      steps++;
      latest.set(report);
      metrics.blockzeroTrainingStep(report.loss(), report.learningRate(), report.tokens(), report.duration(), report.globalVersion(),
          report.innerStep());
      LOG.info("step {} on version {}: loss {} (cross-entropy {}, load balancing {}), lr {}, grad norm {}, {} tok/s",
          report.innerStep(), report.globalVersion(), round(report.loss()), round(report.crossEntropy()), round(report.auxLoss()),
          String.format("%.3g", report.learningRate()), round(report.gradientNorm()), Math.round(report.tokensPerSecond()));
      if (trainer.checkpointDue()) {
        trainer.saveCheckpoint();
        metrics.blockzeroCheckpoint();
      }
      trainer.reloadIfNewer();
      if (maxSteps > 0 && steps >= maxSteps) {
        LOG.info("trained {} steps as asked; stopping", steps);
        return finish();
      }
      getContext().getSelf().tell(Step.INSTANCE);
      return this;
    } catch (Exception failure) {
      LOG.error("training stopped: {}", failure.toString());
      metrics.error(Metrics.Component.BLOCKZERO);
      close();
      finished.completeExceptionally(failure);
      return Behaviors.stopped();
    }
  }

  private Behavior<Command> stop(Stop stop) {
    Behavior<Command> next = finish();
    stop.replyTo().tell(Done.getInstance());
    return next;
  }

  private Behavior<Command> finish() {
    try {
      if (trainer != null && trainer.unsaved()) {
        trainer.saveCheckpoint();
        metrics.blockzeroCheckpoint();
      }
      finished.complete(Done.getInstance());
    } catch (Exception failure) {
      LOG.error("could not write the final checkpoint: {}", failure.toString());
      finished.completeExceptionally(failure);
    } finally {
      close();
    }
    return Behaviors.stopped();
  }

  private void close() {
    if (trainer != null) {
      try {
        trainer.close();
      } catch (Exception ignored) {
        // the process is stopping; nothing else holds these resources
      }
      trainer = null;
    }
  }

  private static String round(double value) {
    return String.format("%.4f", value);
  }
}
