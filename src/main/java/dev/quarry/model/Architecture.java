package dev.quarry.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The transformer families the engine runs. They share the decoder (RMSNorm, GQA attention with
 * RoPE, SwiGLU MLP, final RMSNorm); Qwen2 adds biases to the q/k/v projections, Qwen3 instead
 * normalises each query and key head with its own RMSNorm. {@link #BLOCKZERO_MOE} is Qwen3's
 * attention with BlockZero's sparse mixture-of-experts blocks in place of the dense MLP (see
 * {@link MoeConfig}); it is Quarry's own name, not a Hugging Face architecture.
 */
public enum Architecture {
  QWEN2("Qwen2ForCausalLM", "qwen2"),
  QWEN3("Qwen3ForCausalLM", "qwen3"),
  BLOCKZERO_MOE("QuarryBlockZeroMoeForCausalLM", "quarry_blockzero_moe");

  private final String className;
  private final String modelType;

  Architecture(String className, String modelType) {
    this.className = className;
    this.modelType = modelType;
  }

  /** The {@code architectures[0]} value in config.json, e.g. {@code Qwen3ForCausalLM}. */
  public String className() {
    return className;
  }

  /** The {@code model_type} value in config.json, e.g. {@code qwen3}. */
  public String modelType() {
    return modelType;
  }

  /** Whether each query and key head has its own RMSNorm (Qwen3 and its MoE variant). */
  public boolean normalizesQueryAndKey() {
    return this != QWEN2;
  }

  static Optional<Architecture> fromClassName(String name) {
    return Arrays.stream(values()).filter(value -> value.className.equals(name)).findFirst();
  }

  static Optional<Architecture> fromModelType(String type) {
    return Arrays.stream(values()).filter(value -> value.modelType.equals(type)).findFirst();
  }
}
