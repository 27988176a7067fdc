package dev.quarry.blockzero.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.TinyBlockZero;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.checkpoints.StoredCheckpoint;
import dev.quarry.model.DeviceSpec;
import dev.quarry.storage.pytorch.PytorchCheckpoint;
import dev.quarry.storage.pytorch.PytorchCheckpointWriter;
import dev.quarry.storage.safetensors.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expert-group training on the tiny mixture of experts: the loss falls, checkpoints resume, versions switch. */
class ExpertGroupTrainerTest {

  private static CheckpointStore store(BlockZeroSettings settings) {
    return new CheckpointStore(settings.root(), "miner", "default", settings.run(), settings.expertGroup(), settings.checkpointKeep());
  }

  @Test
  void lossFallsAndCheckpointsResumeWhereTrainingStopped(@TempDir Path root) throws Exception {
    BlockZeroSettings settings = TinyBlockZero.settings(root);
    CheckpointStore store = store(settings);
    List<Double> losses = new ArrayList<>();
    List<TensorData> trained;
    try (ExpertGroupTrainer trainer = ExpertGroupTrainer.start(settings, settings.requireTrainingInputs(), store)) {
      assertThat(trainer.globalVersion()).isZero();
      for (int step = 0; step < 30; step++) {
        StepReport report = trainer.step();
        losses.add(report.loss());
        assertThat(report.innerStep()).isEqualTo(step + 1);
        if (trainer.checkpointDue()) {
          trainer.saveCheckpoint();
        }
      }
      trained = exported(store.bestOwn().orElseThrow());
    }
    double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = losses.subList(25, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(last).as("mean loss of the last 5 steps vs the first 5: %s", losses).isLessThan(first * 0.6);

    // Kept: the newest two of steps 10, 20 and 30.
    assertThat(store.own()).extracting(StoredCheckpoint::name)
        .containsExactly(CheckpointName.own(0, 20), CheckpointName.own(0, 30));
    StoredCheckpoint newest = store.bestOwn().orElseThrow();
    TrainerState state = TrainerState.read(newest.directory());
    assertThat(state.innerStep()).isEqualTo(30);
    assertThat(state.scheduleStep()).isEqualTo(30);
    assertThat(Files.exists(newest.directory().resolve(ExpertGroupTrainer.OPTIMIZER_FILE))).isTrue();

    try (ExpertGroupTrainer resumed = ExpertGroupTrainer.start(settings, settings.requireTrainingInputs(), store)) {
      assertThat(resumed.innerStep()).isEqualTo(30);
      StepReport next = resumed.step();
      assertThat(next.innerStep()).isEqualTo(31);
      assertThat(next.learningRate()).isEqualTo(new LearningRateSchedule(1e-2, 2, 60).at(30));
      assertThat(next.loss()).as("resumed from the trained weights, not the base model").isLessThan(first * 0.6);
    }
    assertThat(trained).hasSize(12);
  }

  @Test
  void switchesToANewerValidatorVersion(@TempDir Path root) throws Exception {
    BlockZeroSettings settings = TinyBlockZero.settings(root);
    CheckpointStore store = store(settings);
    ExpertGroups group = ExpertGroups.read(settings.expertAssignment().orElseThrow(), 0);
    try (ExpertGroupTrainer trainer = ExpertGroupTrainer.start(settings, settings.requireTrainingInputs(), store)) {
      trainer.step();
      assertThat(trainer.reloadIfNewer()).isEmpty();
      // A validator's version 4: every expert weight 0.01.
      List<TensorData> weights = new ArrayList<>();
      for (String name : group.parameterNames()) {
        long[] shape = name.contains("down_proj") ? new long[] {64, 32} : new long[] {32, 64};
        float[] values = new float[2048];
        java.util.Arrays.fill(values, 0.01f);
        weights.add(TensorData.ofFloat32(name, shape, values));
      }
      store.write(store.validatorDirectory(), CheckpointName.validator(3, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", 4),
          directory -> PytorchCheckpointWriter.writeStateDict(directory.resolve(group.fileName()), weights));
      assertThat(trainer.reloadIfNewer()).isPresent();
      assertThat(trainer.globalVersion()).isEqualTo(4);
      assertThat(trainer.innerStep()).isZero();
      StoredCheckpoint written = trainer.saveCheckpoint();
      assertThat(written.name()).isEqualTo(CheckpointName.own(4, 0));
      // Nothing trained since the switch: the saved weights are the validator's.
      assertThat(ModelHash.ofFile(written.expertGroupFile(0))).isEqualTo(ModelHash.ofFile(
          store.bestValidator().orElseThrow().expertGroupFile(0)));
    }
  }

  @Test
  void dataParallelReplicasGiveTheSameStepAsGradientAccumulation(@TempDir Path root) throws Exception {
    BlockZeroSettings base = TinyBlockZero.settings(root.resolve("a"));
    BlockZeroSettings.Training training = base.training();
    BlockZeroSettings parallel = TinyBlockZero.withDevices(base.withTraining(new BlockZeroSettings.Training(training.learningRate(),
        0, training.totalSteps(), 1, 1, training.sequenceLength(), training.topK()), 10), List.of(DeviceSpec.cpu(), DeviceSpec.cpu()));
    BlockZeroSettings accumulated = TinyBlockZero.settings(root.resolve("b")).withTraining(new BlockZeroSettings.Training(
        training.learningRate(), 0, training.totalSteps(), 2, 1, training.sequenceLength(), training.topK()), 10);
    List<float[]> left = new ArrayList<>();
    List<float[]> right = new ArrayList<>();
    try (ExpertGroupTrainer replicas = ExpertGroupTrainer.start(parallel, parallel.requireTrainingInputs(), store(parallel));
        ExpertGroupTrainer single = ExpertGroupTrainer.start(accumulated, accumulated.requireTrainingInputs(), store(accumulated))) {
      for (int step = 0; step < 2; step++) {
        StepReport a = replicas.step();
        StepReport b = single.step();
        assertThat(a.loss()).isCloseTo(b.loss(), within(1e-4));
        assertThat(a.gradientNorm()).isCloseTo(b.gradientNorm(), within(1e-4 * b.gradientNorm()));
      }
      left.addAll(floats(replicas.saveCheckpoint()));
      right.addAll(floats(single.saveCheckpoint()));
    }
    assertThat(left).hasSameSizeAs(right);
    for (int i = 0; i < left.size(); i++) {
      for (int j = 0; j < left.get(i).length; j++) {
        assertThat(left.get(i)[j]).isCloseTo(right.get(i)[j], within(2e-5f));
      }
    }
  }

  private static List<float[]> floats(StoredCheckpoint checkpoint) throws Exception {
    List<float[]> out = new ArrayList<>();
    try (PytorchCheckpoint file = PytorchCheckpoint.open(checkpoint.expertGroupFile(0))) {
      for (var tensor : file.stateDict("model_state_dict").values()) {
        out.add(file.floats(tensor));
      }
    }
    return out;
  }

  private static List<TensorData> exported(StoredCheckpoint checkpoint) throws Exception {
    List<TensorData> out = new ArrayList<>();
    try (PytorchCheckpoint file = PytorchCheckpoint.open(checkpoint.expertGroupFile(0))) {
      for (var entry : file.stateDict("model_state_dict").entrySet()) {
        ByteBuffer bytes = ByteBuffer.wrap(file.bytes(entry.getValue())).order(ByteOrder.LITTLE_ENDIAN);
        out.add(new TensorData(entry.getKey(), entry.getValue().dtype(), entry.getValue().shape(), bytes));
      }
    }
    return out;
  }
}
