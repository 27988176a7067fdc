package dev.quarry.validator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.Environment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.runtime.EnvironmentParameters;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import java.util.Objects;

/**
 * The per-window protocol settings the trainer published with the checkpoint
 * ({@code WindowEnvConfig}): the environment built from {@code env_id}/{@code env_params}, the
 * thinking mode, and the generation parameters (whose {@code max_tokens}, temperature and
 * repetition penalty the termination and distribution checks use).
 */
public record WindowEnvironment(String environmentId, Environment environment, ThinkingMode thinkingMode,
    GenerationParams generation) {

  public WindowEnvironment {
    Objects.requireNonNull(environmentId, "environmentId");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(thinkingMode, "thinkingMode");
    Objects.requireNonNull(generation, "generation");
  }

  /**
   * The settings of a checkpoint's metadata ({@code MinerValidator.resolve_window_env_config}).
   *
   * @throws InvalidCheckpointMetadataException when {@code validate_metadata} or the generation
   *     parameter checks refuse it (the window is skipped)
   */
  public static WindowEnvironment of(CheckpointMetadata metadata, EnvironmentProvider environments)
      throws InvalidCheckpointMetadataException {
    metadata.requireUsableForMining();
    String environmentId = metadata.envId().orElseThrow();
    ThinkingMode thinkingMode = metadata.thinkingMode();
    GenerationParams generation = metadata.generationParams();
    Environment environment = environments.environment(environmentId, environmentParameters(metadata.envParams()));
    return new WindowEnvironment(environmentId, environment, thinkingMode, generation);
  }

  /** {@code env_params}: {@code split} as text, {@code gpu_eval} with Python truthiness. */
  static EnvironmentParameters environmentParameters(JsonNode envParams) {
    JsonNode split = envParams.get("split");
    JsonNode gpu = envParams.get("gpu_eval");
    boolean gpuEval = gpu != null && !gpu.isNull() && (gpu.isBoolean() ? gpu.booleanValue()
        : gpu.isNumber() ? gpu.doubleValue() != 0 : gpu.isTextual() ? !gpu.asText().isEmpty() : gpu.size() > 0);
    return EnvironmentParameters.of(split == null || split.isNull() ? null : split.asText(), gpuEval);
  }
}
