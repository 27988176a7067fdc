package dev.quarry.blockzero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which experts of which layers belong to an expert group: the reference's
 * {@code expert_groups/<name>/expert_assignment.json}, {@code {"<layer>": [[expert_id, original_id], ...]}},
 * where {@code expert_id} is the key of the expert in the model ({@code mlp.experts.<id>}) and the
 * original id names the Qwen expert it was taken from. A miner trains exactly these experts and
 * exchanges them as {@code model_expgroup_<group>.pt}.
 *
 * @param groupId the group's id (the {@code e} of chain records)
 * @param experts layer index to the group's expert ids in that layer, in file order
 */
public record ExpertGroups(int groupId, Map<Integer, List<Integer>> experts) {

  private static final Pattern LAYER_EXPERT = Pattern.compile("layers\\.(\\d+)(?:\\.mlp\\.experts\\.(\\d+))?");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The three projections of a SwiGLU expert, in the order the reference model registers them. */
  public static final List<String> PROJECTIONS = List.of("gate_proj", "up_proj", "down_proj");

  public ExpertGroups {
    Map<Integer, List<Integer>> copy = new TreeMap<>();
    experts.forEach((layer, ids) -> copy.put(layer, List.copyOf(ids)));
    experts = Collections.unmodifiableMap(copy);
  }

  /** Reads an {@code expert_assignment.json} for group {@code groupId}. */
  public static ExpertGroups read(Path assignmentFile, int groupId) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(assignmentFile));
    } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
      throw new IOException(assignmentFile + " is not valid JSON: " + malformed.getOriginalMessage());
    }
    return parse(root, groupId, assignmentFile.toString());
  }

  static ExpertGroups parse(JsonNode root, int groupId, String source) throws IOException {
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new IOException(source + " must be a JSON object {\"<layer>\": [[expert_id, original_id], ...]}");
    }
    Map<Integer, List<Integer>> experts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      int layer;
      try {
        layer = Integer.parseInt(entry.getKey());
      } catch (NumberFormatException notLayer) {
        throw new IOException(source + ": key '" + entry.getKey() + "' is not a layer index");
      }
      if (!entry.getValue().isArray()) {
        throw new IOException(source + ": layer " + layer + " must list [expert_id, original_id] pairs");
      }
      List<Integer> ids = new ArrayList<>();
      for (JsonNode pair : entry.getValue()) {
        if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || pair.get(0).asInt() < 0) {
          throw new IOException(source + ": layer " + layer + " has an entry that is not [expert_id, original_id]");
        }
        int id = pair.get(0).asInt();
        if (ids.contains(id)) {
          throw new IOException(source + ": expert " + id + " appears twice in layer " + layer);
        }
        ids.add(id);
      }
      experts.put(layer, ids);
    }
    return new ExpertGroups(groupId, experts);
  }

  /** The file name a group's weights travel in. */
  public static String fileName(int groupId) {
    return "model_expgroup_" + groupId + ".pt";
  }

  public String fileName() {
    return fileName(groupId);
  }

  /** The parameter names of the group's experts, layer by layer, as the reference's state dict names them. */
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    experts.forEach((layer, ids) -> {
      for (int id : ids) {
        for (String projection : PROJECTIONS) {
          names.add(parameterName(layer, id, projection));
        }
      }
    });
    return names;
  }

  public static String parameterName(int layer, int expert, String projection) {
    return "model.layers." + layer + ".mlp.experts." + expert + "." + projection + ".weight";
  }

  /** Whether a parameter belongs to this group ({@code get_layer_expert_id} plus the assignment). */
  public boolean contains(String parameterName) {
    Optional<int[]> layerExpert = layerExpert(parameterName);
    return layerExpert.isPresent() && layerExpert.get()[1] >= 0
        && experts.getOrDefault(layerExpert.get()[0], List.of()).contains(layerExpert.get()[1]);
  }

  /** {@code get_layer_expert_id}: the layer and (or -1) expert a parameter name mentions. */
  public static Optional<int[]> layerExpert(String parameterName) {
    Matcher matcher = LAYER_EXPERT.matcher(parameterName);
    if (!matcher.find()) {
      return Optional.empty();
    }
    int layer = Integer.parseInt(matcher.group(1));
    return Optional.of(new int[] {layer, matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2))});
  }

  /** The group's experts in a layer (empty if none). */
  public List<Integer> expertsIn(int layer) {
    return experts.getOrDefault(layer, List.of());
  }

  public OptionalInt lastLayer() {
    return experts.keySet().stream().mapToInt(Integer::intValue).max();
  }
}
