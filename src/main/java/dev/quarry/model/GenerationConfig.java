package dev.quarry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint's {@code generation_config.json} (optional): stop tokens and default sampling.
 * Absent values take Hugging Face's {@code GenerationConfig} defaults.
 *
 * @param eosTokenIds tokens that end a generation (HF stops on any of them)
 * @param padTokenId padding id, or -1
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param doSample whether the checkpoint's default is sampling (false: greedy)
 * @param temperature default temperature
 * @param topP default top-p
 * @param topK default top-k (HF's default is 50)
 * @param repetitionPenalty default repetition penalty
 * @param maxNewTokens default limit on new tokens, or -1
 */
public record GenerationConfig(
    List<Integer> eosTokenIds,
    int padTokenId,
    int bosTokenId,
    boolean doSample,
    double temperature,
    double topP,
    int topK,
    double repetitionPenalty,
    int maxNewTokens) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public GenerationConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** HF's defaults, used when a checkpoint has no generation_config.json. */
  public static GenerationConfig defaults() {
    return new GenerationConfig(List.of(), -1, -1, false, 1.0, 1.0, 50, 1.0, -1);
  }

  static GenerationConfig read(Path checkpointDirectory) throws ModelLoadException {
    Path file = checkpointDirectory.resolve("generation_config.json");
    if (!Files.isRegularFile(file)) {
      return defaults();
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException exception) {
      throw new ModelLoadException("cannot parse " + file + ": " + exception.getMessage(), exception);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(file + " is not a JSON object");
    }
    return new GenerationConfig(
        ModelConfig.tokenIds(root.path("eos_token_id")),
        root.path("pad_token_id").isInt() ? root.get("pad_token_id").asInt() : -1,
        root.path("bos_token_id").isInt() ? root.get("bos_token_id").asInt() : -1,
        root.path("do_sample").asBoolean(false),
        root.path("temperature").asDouble(1.0),
        root.path("top_p").asDouble(1.0),
        root.path("top_k").isNull() ? 0 : root.path("top_k").asInt(50),
        root.path("repetition_penalty").asDouble(1.0),
        root.path("max_new_tokens").asInt(-1));
  }

  /** The checkpoint's default sampling: its parameters when do_sample, otherwise greedy. */
  public SamplingParameters defaultSampling() {
    if (!doSample) {
      return SamplingParameters.greedy();
    }
    return new SamplingParameters(temperature, topP, topK, repetitionPenalty);
  }
}
