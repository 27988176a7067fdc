package dev.quarry.blockzero.miner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One of the daemon's workers (the reference's download, commit and submit threads): runs one
 * job at a time, its asynchronous result piped back as a message and forwarded to the daemon. A
 * job offered while another runs is refused at once (the daemon logs it), so a slow download
 * never queues behind itself. {@link Abort} cancels the running job and stops the worker.
 */
final class JobRunner extends AbstractBehavior<JobRunner.Command> {

  sealed interface Command permits Run, Finished, Abort {}

  /** Run {@code job}; the daemon gets {@code Completed(kind, cycle, result)}. */
  record Run(ModelIoDaemon.Job kind, long cycle, Supplier<CompletionStage<JobResult>> job, ActorRef<ModelIoDaemon.Command> replyTo)
      implements Command {}

  private record Finished(Run run, JobResult result) implements Command {}

  /** Cancel what runs and stop. */
  enum Abort implements Command { INSTANCE }

  private CompletableFuture<JobResult> running;

  private JobRunner(ActorContext<Command> context) {
    super(context);
  }

  static Behavior<Command> create() {
    return Behaviors.setup(JobRunner::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::run)
        .onMessage(Finished.class, this::finished)
        .onMessageEquals(Abort.INSTANCE, this::abort)
        .build();
  }

  private Behavior<Command> run(Run run) {
    if (running != null) {
      run.replyTo().tell(new ModelIoDaemon.Completed(run.kind(), run.cycle(),
          JobResult.nothingToDo("the previous " + run.kind().label() + " is still running")));
      return this;
    }
    CompletableFuture<JobResult> future;
    try {
      future = run.job().get().toCompletableFuture();
    } catch (RuntimeException failed) {
      future = CompletableFuture.completedFuture(JobResult.failed(failed.toString()));
    }
    running = future;
    getContext().pipeToSelf(future, (result, failure) -> new Finished(run,
        failure != null ? JobResult.failed(failure.toString()) : result));
    return this;
  }

  private Behavior<Command> finished(Finished finished) {
    running = null;
    finished.run().replyTo().tell(new ModelIoDaemon.Completed(finished.run().kind(), finished.run().cycle(), finished.result()));
    return this;
  }

  private Behavior<Command> abort() {
    if (running != null) {
      running.cancel(true);
    }
    return Behaviors.stopped();
  }
}
