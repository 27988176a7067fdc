package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A checkpoint's {@code metadata.json}: identity and chain links ({@code window}, type,
 * {@code prev_window}, {@code anchor_window}), integrity ({@code file_manifest} of sha256s,
 * {@code weights_hash}) and the protocol settings miners and validators must share ({@code env_id},
 * {@code env_params}, {@code generation_params}, {@code thinking_mode}).
 *
 * <p>{@link #parse} refuses structurally broken metadata ({@link CorruptCheckpointException});
 * {@link #requireUsableForMining()} applies the reference's {@code validate_metadata} and
 * generation-parameter range checks ({@link InvalidCheckpointMetadataException}).
 */
public record CheckpointMetadata(
    long window,
    CheckpointType type,
    OptionalLong prevWindow,
    OptionalLong anchorWindow,
    OptionalLong parentWindow,
    Optional<String> weightsHash,
    Map<String, String> fileManifest,
    Optional<String> envId,
    ObjectNode json) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public CheckpointMetadata {
    fileManifest = Map.copyOf(fileManifest);
    json = json.deepCopy();
  }

  /** The full JSON object as published (a copy). */
  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }

  public boolean isDelta() {
    return type == CheckpointType.DELTA;
  }

  /**
   * Parses {@code metadata.json} found under {@code checkpoint-{window}/{FULL|DELTA}/}. The type
   * defaults to the directory's when the field is absent, as in the reference.
   */
  public static CheckpointMetadata parse(byte[] bytes, long window, CheckpointType directoryType)
      throws CorruptCheckpointException {
    String where = "metadata.json of checkpoint-" + window + "/" + directoryType;
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException exception) {
      throw new CorruptCheckpointException(where + " is not valid JSON: " + exception.getOriginalMessage());
    } catch (java.io.IOException exception) {
      throw new CorruptCheckpointException(where + " cannot be read: " + exception.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new CorruptCheckpointException(where + " is not a JSON object");
    }
    ObjectNode object = (ObjectNode) root;
    long declaredWindow = optionalLong(object, "window", where).orElse(window);
    if (declaredWindow != window) {
      throw new CorruptCheckpointException(where + " says window " + declaredWindow);
    }
    CheckpointType type = directoryType;
    JsonNode typeNode = object.get("checkpoint_type");
    if (typeNode != null && !typeNode.isNull()) {
      try {
        type = CheckpointType.valueOf(typeNode.asText());
      } catch (IllegalArgumentException exception) {
        throw new CorruptCheckpointException(where + " has checkpoint_type '" + typeNode.asText() + "'");
      }
    }
    Map<String, String> manifest = new LinkedHashMap<>();
    JsonNode manifestNode = object.get("file_manifest");
    if (manifestNode != null && !manifestNode.isNull()) {
      if (!manifestNode.isObject()) {
        throw new CorruptCheckpointException(where + " file_manifest is not an object");
      }
      for (Map.Entry<String, JsonNode> entry : manifestNode.properties()) {
        String digest = entry.getValue().asText("").toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(digest).matches()) {
          throw new CorruptCheckpointException(where + " file_manifest entry '" + entry.getKey() + "' is not a sha256");
        }
        manifest.put(entry.getKey(), digest);
      }
    }
    Optional<String> weightsHash = Optional.empty();
    JsonNode hashNode = object.get("weights_hash");
    if (hashNode != null && !hashNode.isNull()) {
      String hash = hashNode.asText("").toLowerCase(Locale.ROOT);
      if (!HASH.matcher(hash).matches()) {
        throw new CorruptCheckpointException(where + " weights_hash is not 32 hex characters");
      }
      weightsHash = Optional.of(hash);
    }
    JsonNode envNode = object.get("env_id");
    Optional<String> envId = envNode == null || envNode.isNull() || envNode.asText().isEmpty()
        ? Optional.empty() : Optional.of(envNode.asText());
    return new CheckpointMetadata(window, type, optionalLong(object, "prev_window", where),
        optionalLong(object, "anchor_window", where), optionalLong(object, "parent_window", where), weightsHash,
        manifest, envId, object);
  }

  private static OptionalLong optionalLong(ObjectNode object, String field, String where) throws CorruptCheckpointException {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return OptionalLong.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new CorruptCheckpointException(where + " " + field + " is not an integer");
    }
    return OptionalLong.of(node.asLong());
  }

  /** {@code env_params} as published (an empty object if absent). */
  public JsonNode envParams() {
    JsonNode node = json.get("env_params");
    return node == null || node.isNull() ? JSON.createObjectNode() : node.deepCopy();
  }

  /** The problems {@code validate_metadata} and the generation-parameter checks find; empty if usable. */
  public List<String> problemsForMining() {
    List<String> problems = new ArrayList<>();
    if (envId.isEmpty()) {
      problems.add("env_id is missing");
    }
    try {
      parseThinkingMode();
    } catch (InvalidCheckpointMetadataException exception) {
      problems.add(exception.getMessage());
    }
    try {
      parseGenerationParams();
    } catch (InvalidCheckpointMetadataException exception) {
      problems.add(exception.getMessage());
    }
    return problems;
  }

  /** Throws, naming every problem, unless the metadata can drive mining or validation. */
  public void requireUsableForMining() throws InvalidCheckpointMetadataException {
    List<String> problems = problemsForMining();
    if (!problems.isEmpty()) {
      throw new InvalidCheckpointMetadataException("checkpoint " + window + " metadata cannot be used (the window is skipped): "
          + String.join("; ", problems));
    }
  }

  /** The trainer's thinking mode, which picks the system prompt and chat template of every prompt. */
  public ThinkingMode thinkingMode() throws InvalidCheckpointMetadataException {
    try {
      return parseThinkingMode();
    } catch (InvalidCheckpointMetadataException exception) {
      throw new InvalidCheckpointMetadataException("checkpoint " + window + ": " + exception.getMessage());
    }
  }

  private ThinkingMode parseThinkingMode() throws InvalidCheckpointMetadataException {
    JsonNode mode = json.get("thinking_mode");
    String text = mode == null || mode.isNull() ? "" : mode.asText();
    if (text.isEmpty()) {
      throw new InvalidCheckpointMetadataException("thinking_mode is missing");
    }
    try {
      ThinkingMode parsed = ThinkingMode.fromId(text);
      // validate_metadata compares exactly; fromId also accepts other cases, as get_thinking_config does.
      if (parsed.id().equals(text)) {
        return parsed;
      }
    } catch (IllegalArgumentException notAMode) {
      // reported below in validate_metadata's words
    }
    throw new InvalidCheckpointMetadataException("thinking_mode '" + text + "' is not 'native' or 'instructed'");
  }

  public GenerationParams generationParams() throws InvalidCheckpointMetadataException {
    try {
      return parseGenerationParams();
    } catch (InvalidCheckpointMetadataException exception) {
      throw new InvalidCheckpointMetadataException("checkpoint " + window + ": " + exception.getMessage());
    }
  }

  private GenerationParams parseGenerationParams() throws InvalidCheckpointMetadataException {
    JsonNode params = json.get("generation_params");
    if (params == null || !params.isObject() || params.isEmpty()) {
      throw new InvalidCheckpointMetadataException("generation_params is missing");
    }
    for (String field : List.of("max_tokens", "temperature", "top_p", "top_k", "repetition_penalty")) {
      if (!params.has(field)) {
        throw new InvalidCheckpointMetadataException("generation_params." + field + " is missing");
      }
    }
    long maxTokens = pythonInt(params.get("max_tokens"), "max_tokens");
    if (maxTokens <= 0) {
      throw new InvalidCheckpointMetadataException("generation_params.max_tokens must be > 0, got " + maxTokens);
    }
    double temperature = inRange(pythonFloat(params.get("temperature"), "temperature"), 0.01, 2.0, "temperature");
    double topP = inRange(pythonFloat(params.get("top_p"), "top_p"), 0.0, 1.0, "top_p");
    long topK = pythonInt(params.get("top_k"), "top_k");
    if (topK < 0 || topK > 1000) {
      throw new InvalidCheckpointMetadataException("generation_params.top_k must be in [0, 1000], got " + topK);
    }
    double repetitionPenalty = inRange(pythonFloat(params.get("repetition_penalty"), "repetition_penalty"), 1.0, 2.0,
        "repetition_penalty");
    return new GenerationParams((int) Math.min(maxTokens, GenerationParams.MAX_NEW_TOKENS_CAP), temperature, topP,
        topK > 0 ? OptionalInt.of((int) topK) : OptionalInt.empty(), repetitionPenalty, maxTokens);
  }

  private static double inRange(double value, double low, double high, String field)
      throws InvalidCheckpointMetadataException {
    if (!(value >= low && value <= high)) {
      throw new InvalidCheckpointMetadataException("generation_params." + field + " must be in [" + low + ", " + high
          + "], got " + value);
    }
    return value;
  }

  /** Python's {@code int(x)} for JSON values: integers, floats truncated, integer strings. */
  static long pythonInt(JsonNode node, String field) throws InvalidCheckpointMetadataException {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isFloatingPointNumber() && Double.isFinite(node.asDouble())) {
      return (long) node.asDouble(); // int(2048.9) == 2048: truncation toward zero
    }
    if (node.isBoolean()) {
      return node.asBoolean() ? 1 : 0;
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText().strip().replaceAll("(?<=\\d)_(?=\\d)", ""));
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new InvalidCheckpointMetadataException("generation_params." + field + " must be an int, got " + node);
  }

  /** Python's {@code float(x)} for JSON values: numbers, numeric strings (incl. inf/nan), booleans. */
  static double pythonFloat(JsonNode node, String field) throws InvalidCheckpointMetadataException {
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean() ? 1.0 : 0.0;
    }
    if (node.isTextual()) {
      Double parsed = PythonFloats.parse(node.asText());
      if (parsed != null) {
        return parsed;
      }
    }
    throw new InvalidCheckpointMetadataException("generation_params." + field + " must be a float, got " + node);
  }
}
