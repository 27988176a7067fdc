package dev.quarry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The sparse mixture-of-experts settings of a {@link Architecture#BLOCKZERO_MOE} checkpoint, with
 * Qwen3-Next's config.json names: each sparse layer's post-attention RMSNorm output goes to a
 * router over {@code num_experts} ids and to a shared SwiGLU expert gated by a sigmoid; the
 * router's softmax is masked to the experts present in the layer, the top {@code
 * num_experts_per_tok} are kept (renormalized when {@code norm_topk_prob}) and weight those
 * experts' SwiGLU outputs. This is the block of BlockZero's {@code custom_qwen3_next.py}.
 *
 * @param numExperts router size ({@code num_experts}): expert ids are 0..numExperts-1
 * @param expertsPerToken top-k ({@code num_experts_per_tok})
 * @param expertIntermediateSize width of a routed expert ({@code moe_intermediate_size})
 * @param sharedExpertIntermediateSize width of the shared expert ({@code shared_expert_intermediate_size})
 * @param normalizeTopK whether the kept routing weights are divided by their sum ({@code norm_topk_prob})
 * @param sparseStep every {@code decoder_sparse_step}-th layer is sparse
 * @param denseLayers layers that keep a dense MLP ({@code mlp_only_layers})
 * @param routerAuxLossCoefficient weight of the load-balancing loss ({@code router_aux_loss_coef})
 * @param routerAuxLoss whether training adds that loss ({@code output_router_logits})
 */
public record MoeConfig(int numExperts, int expertsPerToken, int expertIntermediateSize, int sharedExpertIntermediateSize,
    boolean normalizeTopK, int sparseStep, List<Integer> denseLayers, double routerAuxLossCoefficient, boolean routerAuxLoss) {

  public MoeConfig {
    denseLayers = List.copyOf(denseLayers);
    if (numExperts <= 0 || expertsPerToken <= 0 || expertsPerToken > numExperts || expertIntermediateSize <= 0
        || sharedExpertIntermediateSize <= 0 || sparseStep <= 0) {
      throw new IllegalArgumentException("mixture-of-experts sizes must be positive and num_experts_per_tok at most num_experts");
    }
  }

  /** Whether layer {@code index} is sparse (Qwen3-Next's rule). */
  public boolean sparse(int index) {
    return !denseLayers.contains(index) && (index + 1) % sparseStep == 0;
  }

  /** The same settings routing to {@code topK} experts (BlockZero miners train with a smaller top-k). */
  public MoeConfig withExpertsPerToken(int topK) {
    return new MoeConfig(numExperts, topK, expertIntermediateSize, sharedExpertIntermediateSize, normalizeTopK, sparseStep,
        denseLayers, routerAuxLossCoefficient, routerAuxLoss);
  }

  static MoeConfig parse(JsonNode root, java.nio.file.Path file) throws ModelLoadException {
    List<Integer> dense = new ArrayList<>();
    root.path("mlp_only_layers").forEach(layer -> dense.add(layer.asInt()));
    try {
      return new MoeConfig(integer(root, "num_experts", file), integer(root, "num_experts_per_tok", file),
          integer(root, "moe_intermediate_size", file), integer(root, "shared_expert_intermediate_size", file),
          root.path("norm_topk_prob").asBoolean(true), root.path("decoder_sparse_step").asInt(1), dense,
          root.path("router_aux_loss_coef").asDouble(0.001), root.path("output_router_logits").asBoolean(false));
    } catch (IllegalArgumentException invalid) {
      throw new ModelLoadException(file + ": " + invalid.getMessage());
    }
  }

  private static int integer(JsonNode root, String key, java.nio.file.Path file) throws ModelLoadException {
    JsonNode value = root.get(key);
    if (value == null || !value.canConvertToInt()) {
      throw new ModelLoadException(file + " lacks an integer '" + key + "' (needed by " + Architecture.BLOCKZERO_MOE.className() + ")");
    }
    return value.asInt();
  }

  void write(com.fasterxml.jackson.databind.node.ObjectNode root) {
    root.put("num_experts", numExperts);
    root.put("num_experts_per_tok", expertsPerToken);
    root.put("moe_intermediate_size", expertIntermediateSize);
    root.put("shared_expert_intermediate_size", sharedExpertIntermediateSize);
    root.put("norm_topk_prob", normalizeTopK);
    root.put("decoder_sparse_step", sparseStep);
    denseLayers.forEach(root.putArray("mlp_only_layers")::add);
    root.put("router_aux_loss_coef", routerAuxLossCoefficient);
    root.put("output_router_logits", routerAuxLoss);
  }
}
