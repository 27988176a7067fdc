package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import dev.quarry.storage.safetensors.TensorData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (single-tensor form) over a {@link TrainableMoeModel}'s parameters:
 * per parameter, {@code p ← p·(1 − lr·wd)}, {@code m ← lerp(m, g, 1 − β1)},
 * {@code v ← β2·v + (1 − β2)·g²}, {@code p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)}.
 * As in torch, a parameter without a gradient this step (an expert no row was routed to) is left
 * alone: no decay, no moment update, its step count unchanged. State lives on the parameter's
 * device and can be saved and restored.
 */
public final class AdamW {

  /** Hyper-parameters besides the learning rate, which the schedule supplies per step. */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
    /** What BlockZero's miner uses: {@code AdamW(lr, weight_decay=0.1, betas=(0.9, 0.95))}, torch's ε. */
    public static Settings blockZero() {
      return new Settings(0.9, 0.95, 1e-8, 0.1);
    }
  }

  private final TrainableMoeModel model;
  private final Settings settings;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private final Map<String, Long> steps = new LinkedHashMap<>();

  AdamW(TrainableMoeModel model, Settings settings) {
    this.model = model;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** One update with learning rate {@code lr} of the parameters that have gradients this step. */
  public void step(double lr) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (String name : model.touchedParameters()) {
        NDArray parameter = model.parameter(name);
        NDArray gradient = parameter.getGradient();
        NDArray first = firstMoments.computeIfAbsent(name, key -> parameter.zerosLike());
        NDArray second = secondMoments.computeIfAbsent(name, key -> parameter.zerosLike());
        long step = steps.merge(name, 1L, Long::sum);
        parameter.muli(1 - lr * settings.weightDecay());
        try (NDArray delta = gradient.sub(first)) {
          first.addi(delta.muli(1 - settings.beta1()));
        }
        try (NDArray squared = gradient.mul(gradient)) {
          second.muli(settings.beta2()).addi(squared.muli(1 - settings.beta2()));
        }
        double biasCorrection1 = 1 - Math.pow(settings.beta1(), step);
        double biasCorrection2Root = Math.sqrt(1 - Math.pow(settings.beta2(), step));
        try (NDArray denominator = second.sqrt().divi(biasCorrection2Root).addi(settings.epsilon());
            NDArray update = first.div(denominator)) {
          parameter.subi(update.muli(lr / biasCorrection1));
        }
        gradient.close();
      }
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** The optimizer state as tensors ({@code exp_avg.<name>}, {@code exp_avg_sq.<name>}) and per-parameter step counts. */
  public State state() {
    List<TensorData> tensors = new ArrayList<>();
    firstMoments.forEach((name, array) -> tensors.add(TrainableMoeModel.export("exp_avg." + name, array)));
    secondMoments.forEach((name, array) -> tensors.add(TrainableMoeModel.export("exp_avg_sq." + name, array)));
    return new State(tensors, Map.copyOf(steps));
  }

  /** Restores a saved state; moments of unknown parameters or with other shapes are refused. */
  public void restore(State state) {
    Map<String, TensorData> byName = new LinkedHashMap<>();
    state.tensors().forEach(tensor -> byName.put(tensor.name(), tensor));
    for (Map.Entry<String, Long> entry : state.steps().entrySet()) {
      String name = entry.getKey();
      NDArray parameter = model.parameter(name);
      TensorData first = byName.get("exp_avg." + name);
      TensorData second = byName.get("exp_avg_sq." + name);
      if (first == null || second == null) {
        throw new IllegalArgumentException("optimizer state lacks the moments of " + name);
      }
      firstMoments.put(name, TrainableMoeModel.imported(parameter, first));
      secondMoments.put(name, TrainableMoeModel.imported(parameter, second));
      steps.put(name, entry.getValue());
    }
  }

  /** Saved optimizer state. */
  public record State(List<TensorData> tensors, Map<String, Long> steps) {
    public State {
      tensors = List.copyOf(tensors);
      steps = Map.copyOf(steps);
    }
  }

  void close() {
    closeAll(firstMoments.values());
    closeAll(secondMoments.values());
  }

  private static void closeAll(Collection<NDArray> arrays) {
    arrays.forEach(NDArray::close);
  }

  static void zero(NDArray gradient) {
    gradient.set(new NDIndex(":"), 0f);
  }
}
