package dev.quarry.env.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * The checkpoint's {@code env_params}: the dataset split (absent means the reference's default,
 * {@code train}) and whether triton_kernel rewards use GPU evaluation.
 *
 * @param split {@code env_params.split}, if present
 * @param gpuEval {@code env_params.gpu_eval} (absent is false)
 */
public record EnvironmentParameters(Optional<String> split, boolean gpuEval) {

  public EnvironmentParameters {
    Objects.requireNonNull(split, "split");
  }

  /** No parameters: split {@code train}, no GPU evaluation requested. */
  public static EnvironmentParameters defaults() {
    return new EnvironmentParameters(Optional.empty(), false);
  }

  public static EnvironmentParameters of(String split, boolean gpuEval) {
    return new EnvironmentParameters(Optional.ofNullable(split), gpuEval);
  }

  /** The split to use: the given one, else {@code train} (the reference factory's default). */
  public String splitOrDefault() {
    return split.orElse("train");
  }
}
