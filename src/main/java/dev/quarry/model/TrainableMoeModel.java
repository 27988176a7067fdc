package dev.quarry.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.quarry.storage.safetensors.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Architecture#BLOCKZERO_MOE} checkpoint loaded for training one expert group, the way
 * a BlockZero miner trains: the same decoder as {@link CausalLanguageModel} (Qwen3 attention,
 * {@link SparseMoe} blocks), built with only the group's routed experts in each sparse layer
 * (the router keeps all ids and masks the absent ones) and a smaller top-k; only those experts'
 * weights require gradients, everything else stays frozen.
 *
 * <pre>{@code
 * try (TrainableMoeModel model = TrainableMoeModel.load(dir, DeviceSpec.cpu(), group.experts(), 1)) {
 *   AdamW optimizer = model.newOptimizer(AdamW.Settings.blockZero());
 *   model.zeroGradients();
 *   TrainingLoss loss = model.forwardBackward(batch, 1.0);   // gradients accumulate
 *   model.clipGradients(1.0);
 *   optimizer.step(lr);
 *   List<TensorData> weights = model.exportParameters();    // model_expgroup_<g>.pt
 * }
 * }</pre>
 *
 * Batches are packed: sequences are concatenated without padding and each attends only to
 * itself, which is what right padding with an attention mask computes for real tokens. Gradients
 * are recorded only inside {@link #forwardBackward} (libtorch's grad mode is per thread, so call
 * it from one thread at a time). Not thread-safe.
 */
public final class TrainableMoeModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainableMoeModel.class);

  private final Path directory;
  private final DeviceSpec device;
  private final ModelConfig config;
  private final Tokenizer tokenizer;
  private final ChatTemplate chatTemplate;
  private final QwenTransformer transformer;
  private final Map<String, NDArray> parameters;
  private final Set<String> touched = new LinkedHashSet<>();
  /** Whether a backward pass ran since the last zeroGradients (then every weight has a gradient tensor). */
  private boolean hasGradients;
  private final List<AdamW> optimizers = new ArrayList<>();

  private TrainableMoeModel(Path directory, DeviceSpec device, ModelConfig config, Tokenizer tokenizer, ChatTemplate chatTemplate,
      QwenTransformer transformer) {
    this.directory = directory;
    this.device = device;
    this.config = config;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.transformer = transformer;
    this.parameters = Collections.unmodifiableMap(transformer.expertWeights());
    for (NDArray parameter : parameters.values()) {
      parameter.setRequiresGradient(true);
    }
  }

  /**
   * Loads a checkpoint directory for training the given experts.
   *
   * @param experts layer to the routed expert ids to build and train (every sparse layer must be listed)
   * @param topK experts per token while training (BlockZero's {@code partial_topk})
   */
  public static TrainableMoeModel load(Path directory, DeviceSpec device, Map<Integer, List<Integer>> experts, int topK)
      throws ModelLoadException {
    if (!Files.isDirectory(directory)) {
      throw new ModelLoadException("model directory " + directory + " does not exist");
    }
    ModelConfig read = ModelConfig.read(directory);
    if (read.moe() == null) {
      throw new ModelLoadException(directory + " holds a dense " + read.architecture().className()
          + "; expert-group training needs a " + Architecture.BLOCKZERO_MOE.className() + " checkpoint");
    }
    if (topK <= 0 || topK > read.moe().numExperts()) {
      throw new ModelLoadException("top-k " + topK + " is outside 1.." + read.moe().numExperts());
    }
    ModelConfig config = read.withMoe(read.moe().withExpertsPerToken(topK));
    Tokenizer tokenizer = Tokenizer.load(directory);
    try {
      ChatTemplate template = ChatTemplate.load(directory, tokenizer.specialTokens());
      Device djlDevice = device.toDjlDevice();
      NDManager manager = Engine.getEngine("PyTorch").newBaseManager(djlDevice);
      QwenTransformer transformer;
      try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
        transformer = QwenTransformer.load(config, tensors, manager, SparseMoe.Selection.of(experts));
      } catch (ModelLoadException | RuntimeException failure) {
        manager.close();
        throw failure;
      }
      TrainableMoeModel model = new TrainableMoeModel(directory, device, config, tokenizer, template, transformer);
      LOG.info("loaded {} for expert training on {}: {} trainable weights in {} tensors, top-{} routing", config.name(), device,
          model.parameterCount(), model.parameters.size(), topK);
      return model;
    } catch (ModelLoadException | RuntimeException failure) {
      tokenizer.close();
      throw failure;
    }
  }

  public Path directory() {
    return directory;
  }

  public DeviceSpec device() {
    return device;
  }

  /** The configuration with the training top-k. */
  public ModelConfig config() {
    return config;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  /** State-dict names of the trainable weights, layer by layer, expert by expert. */
  public List<String> parameterNames() {
    return List.copyOf(parameters.keySet());
  }

  /** Number of trainable weights. */
  public long parameterCount() {
    return parameters.values().stream().mapToLong(NDArray::size).sum();
  }

  /** A new optimizer over this model's parameters. */
  public AdamW newOptimizer(AdamW.Settings settings) {
    AdamW optimizer = new AdamW(this, settings);
    optimizers.add(optimizer);
    return optimizer;
  }

  /**
   * Runs the batch forward and backward and adds {@code scale ×} the gradient of its loss to the
   * parameters' gradients (gradient accumulation scales by 1 / micro-batches). Sequences without
   * targets still route (their rows count in the load-balancing loss); a batch without any target
   * is refused, as the reference skips it.
   */
  public TrainingLoss forwardBackward(List<TrainingSequence> batch, double scale) {
    return run(batch, scale, true);
  }

  /** The batch's loss without gradients. */
  public TrainingLoss evaluate(List<TrainingSequence> batch) {
    return run(batch, 0, false);
  }

  private TrainingLoss run(List<TrainingSequence> batch, double scale, boolean backward) {
    int targetCount = batch.stream().mapToInt(TrainingSequence::targetCount).sum();
    if (targetCount == 0) {
      throw new IllegalArgumentException("the batch has no targets");
    }
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(backward);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<int[]> sequences = new ArrayList<>();
      long[] positions = new long[targetCount];
      long[] targets = new long[targetCount];
      int offset = 0;
      int index = 0;
      for (TrainingSequence sequence : batch) {
        int[] tokens = sequence.tokens();
        boolean[] isTarget = sequence.targets();
        for (int t = 1; t < tokens.length; t++) {
          if (isTarget[t]) {
            positions[index] = offset + t - 1L;
            targets[index] = tokens[t];
            index++;
          }
        }
        sequences.add(tokens);
        offset += tokens.length;
      }
      List<NDArray> routerLogits = new ArrayList<>();
      NDArray hidden = transformer.forwardPacked(sequences, routerLogits);
      NDManager manager = hidden.getManager();
      Device on = hidden.getDevice();
      NDArray rows = Nd.embedding(manager.create(positions).toDevice(on, false), hidden);
      NDArray logProbabilities = transformer.logits(rows).logSoftmax(-1);
      NDArray picked = logProbabilities.gather(manager.create(targets).toDevice(on, false).reshape(targetCount, 1), 1);
      NDArray crossEntropy = picked.sum().neg().div((float) targetCount);
      NDArray loss = crossEntropy;
      NDArray aux = null;
      MoeConfig moe = config.moe();
      if (moe.routerAuxLoss() && !routerLogits.isEmpty()) {
        aux = loadBalancingLoss(routerLogits, moe.numExperts(), moe.expertsPerToken());
        loss = loss.add(aux.mul((float) moe.routerAuxLossCoefficient()));
      }
      double lossValue = loss.getFloat();
      double crossEntropyValue = crossEntropy.getFloat();
      double auxValue = aux == null ? 0 : aux.getFloat();
      if (backward) {
        if (!Double.isFinite(lossValue)) {
          throw new ArithmeticException("non-finite loss " + lossValue + " (cross-entropy " + crossEntropyValue + ", aux " + auxValue + ")");
        }
        // Every trainable weight enters the graph (times zero), so each has a gradient tensor after
        // backward even when no row reached its expert; touchedParameters() tracks the real ones.
        NDArray total = loss.mul((float) scale);
        for (NDArray parameter : parameters.values()) {
          total = total.add(parameter.sum().mul(0f));
        }
        JniUtils.backward((PtNDArray) total, (PtNDArray) total.onesLike(), false, false);
        hasGradients = true;
        for (SparseMoe layer : transformer.sparseLayers()) {
          touched.addAll(layer.touchedWeights());
        }
      }
      return new TrainingLoss(lossValue, crossEntropyValue, auxValue, offset, targetCount);
    } finally {
      for (SparseMoe layer : transformer.sparseLayers()) {
        layer.clearTouched();
      }
      JniUtils.setGradMode(previous);
    }
  }

  /**
   * {@code load_balancing_loss_func} of transformers' Qwen3-Next (as of 4.57, which BlockZero
   * pins): over all layers' rows, the fraction of top-k picks per expert times the mean routing
   * probability per expert, summed and multiplied by the number of experts. Only the
   * probabilities carry gradient.
   */
  private static NDArray loadBalancingLoss(List<NDArray> routerLogits, int experts, int topK) {
    NDArray counts = null;
    NDArray probabilitySum = null;
    long rows = 0;
    for (NDArray logits : routerLogits) {
      NDArray probabilities = logits.softmax(-1);
      NDArray selected = probabilities.stopGradient().topK(topK, -1, true, true).get(1);
      NDArray picks = selected.oneHot(experts).sum(new int[] {0, 1});
      counts = counts == null ? picks : counts.add(picks);
      NDArray summed = probabilities.sum(new int[] {0});
      probabilitySum = probabilitySum == null ? summed : probabilitySum.add(summed);
      rows += logits.getShape().get(0);
    }
    NDArray tokensPerExpert = counts.toType(DataType.FLOAT32, false).div((float) rows);
    NDArray probabilityPerExpert = probabilitySum.div((float) rows);
    return tokensPerExpert.mul(probabilityPerExpert).sum().mul((float) experts);
  }

  /** Forgets all gradients (torch's {@code zero_grad(set_to_none=True)}: untouched weights have none). */
  public void zeroGradients() {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      if (hasGradients) {
        for (NDArray parameter : parameters.values()) {
          try (NDArray gradient = parameter.getGradient()) {
            AdamW.zero(gradient);
          }
        }
      }
      touched.clear();
      hasGradients = false;
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Weights that received a gradient since the last {@link #zeroGradients()}. */
  public List<String> touchedParameters() {
    return List.copyOf(touched);
  }

  /**
   * {@code clip_grad_norm_}: the L2 norm over all gradients (of touched weights) and, when it
   * exceeds {@code maxNorm}, every gradient scaled by {@code maxNorm / (norm + 1e-6)}. Gradients
   * with a NaN are left out, as the reference leaves them out. Returns the norm before clipping.
   */
  public double clipGradients(double maxNorm) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<NDArray> gradients = new ArrayList<>();
      double squares = 0;
      for (String name : touched) {
        NDArray gradient = parameters.get(name).getGradient();
        float norm = (float) Math.sqrt(gradient.mul(gradient).sum().getFloat());
        if (Float.isNaN(norm)) {
          continue;
        }
        gradients.add(gradient);
        squares += (double) norm * norm;
      }
      double total = Math.sqrt(squares);
      double coefficient = Math.min(1.0, maxNorm / (total + 1e-6));
      for (NDArray gradient : gradients) {
        gradient.muli((float) coefficient);
      }
      return total;
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Overwrites trainable weights (e.g. an expert group downloaded from a validator); shapes must match. */
  public void setParameters(Map<String, float[]> values) {
    for (Map.Entry<String, float[]> entry : values.entrySet()) {
      NDArray parameter = parameters.get(entry.getKey());
      if (parameter == null) {
        throw new IllegalArgumentException("'" + entry.getKey() + "' is not a trainable weight of this model");
      }
      if (entry.getValue().length != parameter.size()) {
        throw new IllegalArgumentException("'" + entry.getKey() + "' has " + entry.getValue().length + " values, the model's "
            + parameter.getShape());
      }
      boolean previous = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try {
        parameter.set(FloatBuffer.wrap(entry.getValue()));
      } finally {
        JniUtils.setGradMode(previous);
      }
    }
  }

  /** Shape of a trainable weight. */
  public long[] shapeOf(String name) {
    NDArray parameter = parameters.get(name);
    if (parameter == null) {
      throw new IllegalArgumentException("'" + name + "' is not a trainable weight of this model");
    }
    return parameter.getShape().getShape();
  }

  /** The trainable weights as float32 tensors, in {@link #parameterNames()} order. */
  public List<TensorData> exportParameters() {
    List<TensorData> out = new ArrayList<>();
    parameters.forEach((name, array) -> out.add(export(name, array)));
    return out;
  }

  /** The current gradient of a weight (zeros if it has none this step). */
  public float[] gradient(String name) {
    if (!touched.contains(name)) {
      return new float[Math.toIntExact(parameters.get(name).size())];
    }
    try (NDArray gradient = parameters.get(name).getGradient()) {
      return gradient.toFloatArray();
    }
  }

  /**
   * Data parallelism: adds each replica's gradients into this model's and averages them (the
   * replicas are the same weights on other devices, each run on its share of the batch).
   */
  public void averageGradientsFrom(List<TrainableMoeModel> replicas) {
    if (replicas.isEmpty()) {
      return;
    }
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      if (!hasGradients) {
        throw new IllegalStateException("run this model's own share of the batch before averaging replicas into it");
      }
      Set<String> all = new LinkedHashSet<>(touched);
      replicas.forEach(replica -> all.addAll(replica.touched));
      for (String name : all) {
        NDArray gradient = parameters.get(name).getGradient();
        for (TrainableMoeModel replica : replicas) {
          if (replica.touched.contains(name)) {
            gradient.addi(replica.parameters.get(name).getGradient().toDevice(gradient.getDevice(), true));
          }
        }
        gradient.divi((float) (replicas.size() + 1));
      }
      touched.addAll(all);
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Copies this model's trainable weights into the replicas (after an optimizer step). */
  public void copyParametersTo(List<TrainableMoeModel> replicas) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (TrainableMoeModel replica : replicas) {
        parameters.forEach((name, array) -> array.toDevice(replica.parameters.get(name).getDevice(), true)
            .copyTo(replica.parameters.get(name)));
      }
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  NDArray parameter(String name) {
    NDArray parameter = parameters.get(name);
    if (parameter == null) {
      throw new IllegalArgumentException("'" + name + "' is not a trainable weight of this model");
    }
    return parameter;
  }

  static TensorData export(String name, NDArray array) {
    float[] values = array.toFloatArray();
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return new TensorData(name, dev.quarry.storage.safetensors.TensorDType.F32, array.getShape().getShape(), bytes);
  }

  static NDArray imported(NDArray like, TensorData tensor) {
    if (!Arrays.equals(tensor.shape(), like.getShape().getShape())
        || tensor.dtype() != dev.quarry.storage.safetensors.TensorDType.F32) {
      throw new IllegalArgumentException(tensor.name() + " is " + tensor + ", expected F32" + like.getShape());
    }
    FloatBuffer values = tensor.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] copy = new float[values.remaining()];
    values.get(copy);
    NDArray out = like.getManager().create(copy, new Shape(tensor.shape()));
    return out.toDevice(like.getDevice(), false);
  }

  @Override
  public void close() {
    optimizers.forEach(AdamW::close);
    transformer.close();
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "TrainableMoeModel[" + config.name() + ", " + parameters.size() + " tensors on " + device + "]";
  }

}
