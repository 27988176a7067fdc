package dev.quarry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's {@code config.json}: the shape of the network and its special token ids. Only
 * settings the engine implements are accepted; anything that would silently change the numbers
 * (sliding windows, rope scaling, another activation) is refused with a clear message.
 *
 * @param architecture the decoder family
 * @param name a display name (the checkpoint directory name unless config.json names it)
 * @param vocabSize rows of the embedding and of the output projection (may exceed the tokenizer)
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the SwiGLU MLP
 * @param layerCount number of decoder layers
 * @param attentionHeads query heads
 * @param keyValueHeads key/value heads (grouped-query attention when fewer than query heads)
 * @param headDim width of one head (Qwen3 sets it explicitly; otherwise hidden / heads)
 * @param rmsNormEpsilon epsilon of every RMSNorm
 * @param ropeTheta RoPE base frequency
 * @param maxPositionEmbeddings the longest sequence the model supports (prompt plus completion)
 * @param tieWordEmbeddings whether the output projection reuses the embedding matrix
 * @param attentionBias whether q/k/v projections have biases (always for Qwen2)
 * @param outputProjectionBias whether the attention output projection has a bias (Qwen3 with attention_bias)
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param eosTokenIds end-of-sequence ids from config.json (may be empty)
 * @param padTokenId padding id, or -1
 * @param moe the mixture-of-experts settings ({@link Architecture#BLOCKZERO_MOE}), or null for a dense model
 */
public record ModelConfig(
    Architecture architecture,
    String name,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layerCount,
    int attentionHeads,
    int keyValueHeads,
    int headDim,
    double rmsNormEpsilon,
    double ropeTheta,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean outputProjectionBias,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int padTokenId,
    MoeConfig moe) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || layerCount <= 0 || attentionHeads <= 0
        || keyValueHeads <= 0 || headDim <= 0 || maxPositionEmbeddings <= 0) {
      throw new IllegalArgumentException("model dimensions must be positive");
    }
    if (attentionHeads % keyValueHeads != 0) {
      throw new IllegalArgumentException("num_attention_heads (" + attentionHeads
          + ") must be a multiple of num_key_value_heads (" + keyValueHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
    }
    if ((architecture == Architecture.BLOCKZERO_MOE) != (moe != null)) {
      throw new IllegalArgumentException("mixture-of-experts settings belong to " + Architecture.BLOCKZERO_MOE.className() + " only");
    }
  }

  /** A dense model's configuration. */
  public ModelConfig(Architecture architecture, String name, int vocabSize, int hiddenSize, int intermediateSize, int layerCount,
      int attentionHeads, int keyValueHeads, int headDim, double rmsNormEpsilon, double ropeTheta, int maxPositionEmbeddings,
      boolean tieWordEmbeddings, boolean attentionBias, boolean outputProjectionBias, int bosTokenId, List<Integer> eosTokenIds,
      int padTokenId) {
    this(architecture, name, vocabSize, hiddenSize, intermediateSize, layerCount, attentionHeads, keyValueHeads, headDim,
        rmsNormEpsilon, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, outputProjectionBias, bosTokenId,
        eosTokenIds, padTokenId, null);
  }

  /** The same configuration with other mixture-of-experts settings. */
  public ModelConfig withMoe(MoeConfig newMoe) {
    return new ModelConfig(architecture, name, vocabSize, hiddenSize, intermediateSize, layerCount, attentionHeads,
        keyValueHeads, headDim, rmsNormEpsilon, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias,
        outputProjectionBias, bosTokenId, eosTokenIds, padTokenId, newMoe);
  }

  /** The same configuration under another display name. */
  public ModelConfig withName(String newName) {
    return new ModelConfig(architecture, newName, vocabSize, hiddenSize, intermediateSize, layerCount, attentionHeads,
        keyValueHeads, headDim, rmsNormEpsilon, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias,
        outputProjectionBias, bosTokenId, eosTokenIds, padTokenId, moe);
  }

  /** Query heads per key/value head. */
  public int groupSize() {
    return attentionHeads / keyValueHeads;
  }

  /** Reads and validates {@code config.json} of a checkpoint directory. */
  public static ModelConfig read(Path checkpointDirectory) throws ModelLoadException {
    Path file = checkpointDirectory.resolve("config.json");
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException exception) {
      throw new ModelLoadException("no config.json in " + checkpointDirectory
          + "; point --model at a Hugging Face checkpoint directory");
    } catch (IOException exception) {
      throw new ModelLoadException("cannot parse " + file + ": " + exception.getMessage(), exception);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(file + " is not a JSON object");
    }
    try {
      return parse(root, checkpointDirectory, file);
    } catch (IllegalArgumentException exception) {
      throw new ModelLoadException(file + ": " + exception.getMessage(), exception);
    }
  }

  private static ModelConfig parse(JsonNode root, Path directory, Path file) throws ModelLoadException {
    Architecture architecture = architecture(root, file);
    String activation = root.path("hidden_act").asText("silu");
    if (!activation.equals("silu")) {
      throw new ModelLoadException(file + ": hidden_act '" + activation + "' is not supported (only silu)");
    }
    if (root.path("use_sliding_window").asBoolean(false)) {
      throw new ModelLoadException(file + ": use_sliding_window=true is not supported; every layer must use "
          + "full attention");
    }
    JsonNode layerTypes = root.path("layer_types");
    if (layerTypes.isArray()) {
      for (JsonNode type : layerTypes) {
        if (!type.asText().equals("full_attention")) {
          throw new ModelLoadException(file + ": layer type '" + type.asText() + "' is not supported");
        }
      }
    }
    double ropeTheta = ropeTheta(root, file);
    int hidden = required(root, "hidden_size", file);
    int heads = required(root, "num_attention_heads", file);
    int keyValueHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
        ? root.get("num_key_value_heads").asInt() : heads;
    int headDim = root.has("head_dim") && !root.get("head_dim").isNull() ? root.get("head_dim").asInt()
        : hidden / heads;
    boolean attentionBias = architecture == Architecture.QWEN2 || root.path("attention_bias").asBoolean(false);
    boolean outputBias = architecture.normalizesQueryAndKey() && root.path("attention_bias").asBoolean(false);
    String name = root.path("_name_or_path").asText("");
    if (name.isBlank()) {
      Path fileName = directory.toAbsolutePath().normalize().getFileName();
      name = fileName == null ? "model" : fileName.toString();
    }
    return new ModelConfig(
        architecture,
        name,
        required(root, "vocab_size", file),
        hidden,
        required(root, "intermediate_size", file),
        required(root, "num_hidden_layers", file),
        heads,
        keyValueHeads,
        headDim,
        root.path("rms_norm_eps").asDouble(1e-6),
        ropeTheta,
        root.path("max_position_embeddings").asInt(32768),
        root.path("tie_word_embeddings").asBoolean(false),
        attentionBias,
        outputBias,
        root.path("bos_token_id").isInt() ? root.get("bos_token_id").asInt() : -1,
        tokenIds(root.path("eos_token_id")),
        root.path("pad_token_id").isInt() ? root.get("pad_token_id").asInt() : -1,
        architecture == Architecture.BLOCKZERO_MOE ? MoeConfig.parse(root, file) : null);
  }

  private static Architecture architecture(JsonNode root, Path file) throws ModelLoadException {
    JsonNode architectures = root.path("architectures");
    String className = architectures.isArray() && architectures.size() > 0 ? architectures.get(0).asText() : null;
    String modelType = root.path("model_type").asText(null);
    if (className != null) {
      return Architecture.fromClassName(className).orElseThrow(() -> new ModelLoadException(file
          + ": architecture '" + className + "' is not supported; supported: Qwen2ForCausalLM, Qwen3ForCausalLM, "
          + Architecture.BLOCKZERO_MOE.className() + unsupportedHint(className)));
    }
    if (modelType != null) {
      return Architecture.fromModelType(modelType).orElseThrow(() -> new ModelLoadException(file
          + ": model_type '" + modelType + "' is not supported; supported: qwen2, qwen3"));
    }
    throw new ModelLoadException(file + " names neither 'architectures' nor 'model_type'");
  }

  /** Why a near miss is not accepted. */
  private static String unsupportedHint(String className) {
    return className.startsWith("Qwen3Next")
        ? " (Qwen3-Next's Gated DeltaNet layers, gated attention and partial RoPE are not implemented; BlockZero miners "
            + "train the expert groups on " + Architecture.BLOCKZERO_MOE.className() + ", see docs/blockzero.md)"
        : "";
  }

  /** rope_theta sits at the top level (transformers 4.x) or in rope_parameters (5.x). */
  private static double ropeTheta(JsonNode root, Path file) throws ModelLoadException {
    for (String key : List.of("rope_parameters", "rope_scaling")) {
      JsonNode parameters = root.path(key);
      if (parameters.isObject()) {
        String type = parameters.path("rope_type").asText(parameters.path("type").asText("default"));
        if (!type.equals("default")) {
          throw new ModelLoadException(file + ": rope type '" + type + "' is not supported (only default RoPE)");
        }
        if (parameters.has("rope_theta")) {
          return parameters.get("rope_theta").asDouble();
        }
      }
    }
    if (root.has("rope_theta")) {
      return root.get("rope_theta").asDouble();
    }
    return 10000.0;
  }

  private static int required(JsonNode root, String key, Path file) throws ModelLoadException {
    JsonNode value = root.get(key);
    if (value == null || !value.canConvertToInt()) {
      throw new ModelLoadException(file + " lacks an integer '" + key + "'");
    }
    return value.asInt();
  }

  static List<Integer> tokenIds(JsonNode node) {
    List<Integer> ids = new ArrayList<>();
    if (node.isInt()) {
      ids.add(node.asInt());
    } else if (node.isArray()) {
      node.forEach(item -> {
        if (item.isInt()) {
          ids.add(item.asInt());
        }
      });
    }
    return ids;
  }
}
