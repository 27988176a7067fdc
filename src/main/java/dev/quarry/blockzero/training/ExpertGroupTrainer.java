package dev.quarry.blockzero.training;

import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.checkpoints.StoredCheckpoint;
import dev.quarry.model.AdamW;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ModelLoadException;
import dev.quarry.model.TrainableMoeModel;
import dev.quarry.model.TrainingLoss;
import dev.quarry.model.TrainingSequence;
import dev.quarry.storage.pytorch.PytorchCheckpoint;
import dev.quarry.storage.pytorch.PytorchCheckpointWriter;
import dev.quarry.storage.pytorch.StoredTensor;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.SafetensorsWriter;
import dev.quarry.storage.safetensors.TensorData;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of one expert group, one optimizer step per {@link #step()} call, blocking,
 * on one thread (the {@link TrainerActor}'s). It builds on the newest checkpoint the hotkey can
 * see ({@link CheckpointStore#best()}): its own (weights, optimizer moments, schedule and data
 * position) or a validator's distributed weights (a new global version: inner steps restart at 0
 * and the optimizer moments are reset, the learning-rate schedule continues). With neither, it
 * starts from the base model's experts at version 0; the reference crashes there.
 *
 * <p>A step takes {@code gradientAccumulation} micro-batches of {@code batchSize} sequences per
 * device; with several devices each replica runs its share and the gradients are averaged (real
 * data parallelism; the reference's all-reduce is commented out). Then the gradient norm is
 * clipped to 1.0 and AdamW steps with the scheduled learning rate.
 */
public final class ExpertGroupTrainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExpertGroupTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The optimizer moments and step counts of a checkpoint (our file; the reference's inner_optimizer.pt is pickled torch state). */
  public static final String OPTIMIZER_FILE = "quarry_optimizer.safetensors";
  private static final double MAX_GRADIENT_NORM = 1.0;

  private final BlockZeroSettings settings;
  private final CheckpointStore store;
  private final ExpertGroups group;
  private final TrainableMoeModel primary;
  private final List<TrainableMoeModel> replicas;
  private final LearningRateSchedule schedule;
  private final TrainingData data;
  private AdamW optimizer;
  private long globalVersion;
  private long innerStep;
  private long scheduleStep;
  private long lastSavedStep = -1;
  private double lastLoss = Double.NaN;
  private double lastLearningRate;

  private ExpertGroupTrainer(BlockZeroSettings settings, CheckpointStore store, ExpertGroups group, TrainableMoeModel primary,
      List<TrainableMoeModel> replicas, TrainingData data, long globalVersion, long innerStep, long scheduleStep) {
    this.settings = settings;
    this.store = store;
    this.group = group;
    this.primary = primary;
    this.replicas = replicas;
    this.schedule = new LearningRateSchedule(settings.training().learningRate(), settings.training().warmupSteps(),
        settings.training().totalSteps());
    this.data = data;
    this.optimizer = primary.newOptimizer(AdamW.Settings.blockZero());
    this.globalVersion = globalVersion;
    this.innerStep = innerStep;
    this.scheduleStep = scheduleStep;
  }

  /**
   * Loads the model on every device, resumes from the newest usable checkpoint and opens the data.
   *
   * @throws ModelLoadException when the base model cannot be loaded for this group
   * @throws IOException when the dataset or a checkpoint cannot be read
   */
  public static ExpertGroupTrainer start(BlockZeroSettings settings, BlockZeroSettings.TrainingInputs inputs, CheckpointStore store)
      throws IOException {
    ExpertGroups group = ExpertGroups.read(inputs.expertAssignment(), settings.expertGroup());
    List<TrainableMoeModel> loaded = new ArrayList<>();
    try {
      for (DeviceSpec device : settings.devices()) {
        loaded.add(TrainableMoeModel.load(inputs.model(), device, group.experts(), settings.training().topK()));
      }
      TrainableMoeModel primary = loaded.get(0);
      Set<String> expected = new HashSet<>(group.parameterNames());
      if (!expected.equals(new HashSet<>(primary.parameterNames()))) {
        throw new ModelLoadException("the model's experts do not match " + inputs.expertAssignment()
            + ": every layer of the assignment must be a sparse layer of the model");
      }
      Resume resume = resume(store, primary, group);
      int padId = primary.tokenizer().padTokenId().orElse(primary.config().padTokenId());
      TrainingData data = new TrainingData(inputs.dataset(), primary.tokenizer(), primary.chatTemplate(),
          settings.training().sequenceLength(), settings.shard(), padId, resume.state == null ? 0 : resume.state.dataPosition());
      ExpertGroupTrainer trainer = new ExpertGroupTrainer(settings, store, group, primary, List.copyOf(loaded.subList(1, loaded.size())),
          data, resume.version, resume.state == null ? 0 : resume.state.innerStep(),
          resume.state == null ? 0 : resume.state.scheduleStep());
      if (resume.optimizer != null) {
        trainer.optimizer.restore(resume.optimizer);
      }
      trainer.primary.copyParametersTo(trainer.replicas);
      trainer.lastSavedStep = trainer.innerStep;
      LOG.info("training expert group {} ({} tensors, {} weights) from {} on {}; version {}, inner step {}, schedule step {}",
          group.groupId(), primary.parameterNames().size(), primary.parameterCount(), resume.source, settings.devices(),
          trainer.globalVersion, trainer.innerStep, trainer.scheduleStep);
      return trainer;
    } catch (IOException | RuntimeException failure) {
      loaded.forEach(TrainableMoeModel::close);
      throw failure;
    }
  }

  private record Resume(String source, long version, TrainerState state, AdamW.State optimizer) {}

  /** Picks the newest checkpoint whose files load; falls back past broken ones to the base model. */
  private static Resume resume(CheckpointStore store, TrainableMoeModel model, ExpertGroups group) throws IOException {
    List<StoredCheckpoint> candidates = new ArrayList<>();
    candidates.addAll(store.own());
    candidates.addAll(store.validators());
    candidates.sort((a, b) -> {
      int order = CheckpointName.ORDER.compare(b.name(), a.name());
      return order != 0 ? order : Boolean.compare(b.fromValidator(), a.fromValidator());
    });
    for (StoredCheckpoint candidate : candidates) {
      try {
        loadWeights(model, candidate.expertGroupFile(group.groupId()), group);
        if (candidate.fromValidator()) {
          return new Resume("validator checkpoint " + candidate.directory(), candidate.name().globalVersion(), null, null);
        }
        TrainerState state = Files.exists(candidate.directory().resolve(TrainerState.FILE_NAME))
            ? TrainerState.read(candidate.directory()) : null;
        AdamW.State optimizer = Files.exists(candidate.directory().resolve(OPTIMIZER_FILE))
            ? readOptimizer(candidate.directory().resolve(OPTIMIZER_FILE)) : null;
        TrainerState resumed = state != null ? state
            : new TrainerState(group.groupId(), candidate.name().globalVersion(), candidate.name().innerStep(), 0, 0, 0, Double.NaN, 0, "");
        return new Resume("own checkpoint " + candidate.directory(), candidate.name().globalVersion(), resumed, optimizer);
      } catch (IOException | IllegalArgumentException unusable) {
        LOG.warn("skipping checkpoint {}: {}", candidate.directory(), unusable.getMessage());
      }
    }
    return new Resume("the base model " + model.directory(), 0, null, null);
  }

  /** Loads a {@code model_expgroup_<g>.pt} into the model; its tensors must be exactly the group's. */
  static void loadWeights(TrainableMoeModel model, Path file, ExpertGroups group) throws IOException {
    Map<String, float[]> values = new LinkedHashMap<>();
    try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
      Map<String, StoredTensor> tensors = checkpoint.stateDict(PytorchCheckpointWriter.MODEL_STATE_DICT);
      Set<String> expected = new HashSet<>(group.parameterNames());
      if (!expected.equals(tensors.keySet())) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(tensors.keySet());
        Set<String> extra = new HashSet<>(tensors.keySet());
        extra.removeAll(expected);
        throw new IllegalArgumentException(file + " does not hold expert group " + group.groupId() + " of this model (missing "
            + preview(missing) + ", unexpected " + preview(extra) + ")");
      }
      for (Map.Entry<String, StoredTensor> entry : tensors.entrySet()) {
        if (!java.util.Arrays.equals(entry.getValue().shape(), model.shapeOf(entry.getKey()))) {
          throw new IllegalArgumentException(file + ": " + entry.getKey() + " is " + entry.getValue() + ", the model's is "
              + java.util.Arrays.toString(model.shapeOf(entry.getKey())));
        }
        values.put(entry.getKey(), checkpoint.floats(entry.getValue()));
      }
    }
    model.setParameters(values);
  }

  private static String preview(Set<String> names) {
    List<String> sorted = new ArrayList<>(names);
    java.util.Collections.sort(sorted);
    return sorted.isEmpty() ? "none" : sorted.size() > 3 ? sorted.subList(0, 3) + " and " + (sorted.size() - 3) + " more" : sorted.toString();
  }

  /** One optimizer step. */
  public StepReport step() throws IOException {
    long started = System.nanoTime();
    int devices = 1 + replicas.size();
    int accumulation = settings.training().gradientAccumulation();
    double loss = 0;
    double crossEntropy = 0;
    double aux = 0;
    long tokens = 0;
    int measured = 0;
    primary.zeroGradients();
    replicas.forEach(TrainableMoeModel::zeroGradients);
    for (int micro = 0; micro < accumulation; micro++) {
      for (int device = 0; device < devices; device++) {
        List<TrainingSequence> batch = new ArrayList<>();
        for (int i = 0; i < settings.training().batchSize(); i++) {
          batch.add(data.next());
        }
        TrainableMoeModel model = device == 0 ? primary : replicas.get(device - 1);
        TrainingLoss result = model.forwardBackward(batch, 1.0 / accumulation);
        loss += result.loss();
        crossEntropy += result.crossEntropy();
        aux += result.auxLoss();
        tokens += result.tokens();
        measured++;
      }
    }
    primary.averageGradientsFrom(replicas);
    double norm = primary.clipGradients(MAX_GRADIENT_NORM);
    double learningRate = schedule.at(scheduleStep);
    optimizer.step(learningRate);
    primary.copyParametersTo(replicas);
    scheduleStep++;
    innerStep++;
    lastLoss = loss / measured;
    lastLearningRate = learningRate;
    return new StepReport(globalVersion, innerStep, lastLoss, crossEntropy / measured, aux / measured, learningRate, norm, tokens,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** Whether the checkpoint interval has come round since the last save. */
  public boolean checkpointDue() {
    return innerStep > lastSavedStep && innerStep % settings.checkpointInterval() == 0;
  }

  /** Whether steps were taken since the last save (what a graceful stop writes). */
  public boolean unsaved() {
    return innerStep > lastSavedStep;
  }

  /** Writes {@code globalver_G_inneropt_I} (expert-group file, trainer state, optimizer) and prunes old ones. */
  public StoredCheckpoint saveCheckpoint() throws IOException {
    List<TensorData> weights = primary.exportParameters();
    AdamW.State state = optimizer.state();
    TrainerState trainer = new TrainerState(group.groupId(), globalVersion, innerStep, scheduleStep, data.position(), data.epoch(),
        lastLoss, lastLearningRate, primary.directory().toString());
    StoredCheckpoint written = store.writeOwn(CheckpointName.own(globalVersion, innerStep), directory -> {
      PytorchCheckpointWriter.writeStateDict(directory.resolve(group.fileName()), weights);
      SafetensorsWriter.write(directory.resolve(OPTIMIZER_FILE), state.tensors(), Map.of("steps", JSON.writeValueAsString(state.steps())));
      trainer.write(directory);
    });
    lastSavedStep = innerStep;
    List<Path> pruned = store.pruneOwn();
    LOG.info("checkpoint {} written (version {}, step {}){}", written.directory().getFileName(), globalVersion, innerStep,
        pruned.isEmpty() ? "" : "; removed " + pruned.size() + " older");
    return written;
  }

  private static AdamW.State readOptimizer(Path file) throws IOException {
    try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
      List<TensorData> all = new ArrayList<>();
      for (var info : tensors.tensors()) {
        all.add(tensors.tensorData(info.name()));
      }
      Map<String, Long> steps = JSON.readValue(tensors.metadata().getOrDefault("steps", "{}"), new TypeReference<>() { });
      return new AdamW.State(all, steps);
    }
  }

  /**
   * If the model-io role has downloaded a newer global version, trains on it from now on:
   * weights replaced, inner steps from 0, optimizer moments reset. Returns the version switched to.
   */
  public Optional<StoredCheckpoint> reloadIfNewer() throws IOException {
    Optional<StoredCheckpoint> newest = store.bestValidator();
    if (newest.isEmpty() || newest.get().name().globalVersion() <= globalVersion) {
      return Optional.empty();
    }
    try {
      loadWeights(primary, newest.get().expertGroupFile(group.groupId()), group);
    } catch (IllegalArgumentException unusable) {
      LOG.warn("not switching to {}: {}", newest.get().directory(), unusable.getMessage());
      return Optional.empty();
    }
    primary.copyParametersTo(replicas);
    optimizer = primary.newOptimizer(AdamW.Settings.blockZero());
    LOG.info("switched to validator version {} from {} (inner steps restart at 0; the learning-rate schedule continues at step {})",
        newest.get().name().globalVersion(), newest.get().directory(), scheduleStep);
    globalVersion = newest.get().name().globalVersion();
    innerStep = 0;
    lastSavedStep = 0;
    return newest;
  }

  public long globalVersion() {
    return globalVersion;
  }

  public long innerStep() {
    return innerStep;
  }

  public ExpertGroups group() {
    return group;
  }

  /** Evaluates the current weights on fresh sequences from the data (no gradient). */
  public double evaluate(int sequences) throws IOException {
    List<TrainingSequence> batch = new ArrayList<>();
    for (int i = 0; i < sequences; i++) {
      batch.add(data.next());
    }
    return primary.evaluate(batch).loss();
  }

  @Override
  public void close() throws IOException {
    try {
      data.close();
    } finally {
      primary.close();
      replicas.forEach(TrainableMoeModel::close);
    }
  }
}
