package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.ThinkingMode;
import java.util.Objects;

/**
 * What a trainer publishes with every checkpoint, and how: the protocol settings miners must use
 * ({@code env_id}, {@code env_params}, {@code generation_params}, {@code thinking_mode}), descriptive
 * fields, the delta codec, retention (3 FULL and 15 DELTA checkpoints by default) and the anchor
 * interval (a FULL every 10 windows).
 */
public record PublisherSettings(
    String envId,
    ObjectNode envParams,
    ObjectNode generationParams,
    ThinkingMode thinkingMode,
    ObjectNode trainingConfig,
    String gitCommit,
    String modelName,
    DeltaFormat deltaFormat,
    CheckpointRetention retention,
    int keepFull,
    int keepDelta) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public PublisherSettings {
    if (envId == null || envId.isBlank()) {
      throw new IllegalArgumentException("env_id must not be empty");
    }
    Objects.requireNonNull(thinkingMode, "thinkingMode");
    envParams = envParams.deepCopy();
    generationParams = generationParams.deepCopy();
    trainingConfig = trainingConfig.deepCopy();
  }

  /**
   * The reference trainer's defaults for an environment: max_tokens 2048, temperature 0.7, top_p
   * 0.9, top_k 50, repetition_penalty 1.0, split "train", instructed thinking, codec v3.1.
   */
  public static PublisherSettings defaults(String envId) {
    ObjectNode envParams = JSON.createObjectNode().put("split", "train").put("gpu_eval", false);
    ObjectNode generation = JSON.createObjectNode()
        .put("max_tokens", 2048)
        .put("temperature", 0.7)
        .put("top_p", 0.9)
        .put("top_k", 50)
        .put("repetition_penalty", 1.0);
    return new PublisherSettings(envId, envParams, generation, ThinkingMode.INSTRUCTED, JSON.createObjectNode(),
        "unknown", "quarry-local-trainer", DeltaFormat.V3_1, CheckpointRetention.defaults(), 3, 15);
  }

  public PublisherSettings withDeltaFormat(DeltaFormat format) {
    return new PublisherSettings(envId, envParams, generationParams, thinkingMode, trainingConfig, gitCommit, modelName,
        format, retention, keepFull, keepDelta);
  }

  public PublisherSettings withGenerationParams(ObjectNode params) {
    return new PublisherSettings(envId, envParams, params, thinkingMode, trainingConfig, gitCommit, modelName,
        deltaFormat, retention, keepFull, keepDelta);
  }

  public PublisherSettings withRetention(CheckpointRetention newRetention) {
    return new PublisherSettings(envId, envParams, generationParams, thinkingMode, trainingConfig, gitCommit, modelName,
        deltaFormat, newRetention, keepFull, keepDelta);
  }

  @Override
  public ObjectNode envParams() {
    return envParams.deepCopy();
  }

  @Override
  public ObjectNode generationParams() {
    return generationParams.deepCopy();
  }

  @Override
  public ObjectNode trainingConfig() {
    return trainingConfig.deepCopy();
  }
}
