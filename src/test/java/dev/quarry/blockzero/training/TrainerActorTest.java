package dev.quarry.blockzero.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.Fixtures;
import dev.quarry.blockzero.TinyBlockZero;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.http.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop between steps writes the unsaved steps as a checkpoint before the actor replies. */
class TrainerActorTest {

  @Test
  void stopWritesTheUnsavedStepsThenReplies(@TempDir Path root) throws Exception {
    BlockZeroSettings settings = TinyBlockZero.settings(root).withTraining(new BlockZeroSettings.Training(1e-2, 1, 100, 1, 1, 24, 1),
        1000);
    CheckpointStore store = new CheckpointStore(root, "miner", "default", settings.run(), 0, 3);
    ActorSystem<Void> system = Fixtures.system("blockzero-trainer-test");
    try {
      AtomicReference<StepReport> latest = new AtomicReference<>();
      CompletableFuture<Done> finished = new CompletableFuture<>();
      Metrics metrics = Metrics.create("test", "test");
      ActorRef<TrainerActor.Command> trainer = system.systemActorOf(TrainerActor.create(settings, settings.requireTrainingInputs(), store,
          metrics, 0, latest, finished), "trainer", DispatcherSelector.blocking());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((latest.get() == null || latest.get().innerStep() < 2) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(store.own()).as("the interval (1000 steps) has not come round").isEmpty();
      Done done = AskPattern.<TrainerActor.Command, Done>ask(trainer, TrainerActor.Stop::new, Duration.ofSeconds(30), system.scheduler())
          .toCompletableFuture().get(40, TimeUnit.SECONDS);
      assertThat(done).isEqualTo(Done.getInstance());
      assertThat(finished).isCompleted();
      long steps = latest.get().innerStep();
      assertThat(store.bestOwn().orElseThrow().name()).isEqualTo(CheckpointName.own(0, steps));
      assertThat(metrics.scrape()).contains("quarry_blockzero_training_steps_total").contains("quarry_blockzero_checkpoints_total");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
