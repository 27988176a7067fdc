package dev.quarry.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The transformer families the engine runs. They share the decoder (RMSNorm, GQA attention with
 * RoPE, SwiGLU MLP, final RMSNorm); Qwen2 adds biases to the q/k/v projections, Qwen3 instead
 * normalises each query and key head with its own RMSNorm.
 */
public enum Architecture {
  QWEN2("Qwen2ForCausalLM", "qwen2"),
  QWEN3("Qwen3ForCausalLM", "qwen3");

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

  static Optional<Architecture> fromClassName(String name) {
    return Arrays.stream(values()).filter(value -> value.className.equals(name)).findFirst();
  }

  static Optional<Architecture> fromModelType(String type) {
    return Arrays.stream(values()).filter(value -> value.modelType.equals(type)).findFirst();
  }
}
