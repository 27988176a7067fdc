package dev.quarry.storage.checkpoint;

import dev.quarry.storage.safetensors.TensorDType;
import java.util.Arrays;

/** Element types a sparse delta may carry its new values in, with their header names. */
public enum DeltaValueType {
  BFLOAT16("bfloat16", 2, TensorDType.BF16),
  FLOAT16("float16", 2, TensorDType.F16),
  FLOAT32("float32", 4, TensorDType.F32);

  private final String headerName;
  private final int byteWidth;
  private final TensorDType tensorType;

  DeltaValueType(String headerName, int byteWidth, TensorDType tensorType) {
    this.headerName = headerName;
    this.byteWidth = byteWidth;
    this.tensorType = tensorType;
  }

  public String headerName() {
    return headerName;
  }

  public int byteWidth() {
    return byteWidth;
  }

  public TensorDType tensorType() {
    return tensorType;
  }

  /**
   * Parses a {@code value_dtype}. The reference decoder reads any unknown name as float32; we refuse
   * it instead, since a misread would only surface later as a hash mismatch.
   */
  public static DeltaValueType fromHeaderName(String name) {
    return Arrays.stream(values())
        .filter(type -> type.headerName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unsupported value_dtype '" + name + "'"));
  }

  /** The value type for a tensor's own element type (the publisher stores values unconverted). */
  public static DeltaValueType of(TensorDType type) {
    return switch (type) {
      case BF16 -> BFLOAT16;
      case F16 -> FLOAT16;
      case F32 -> FLOAT32;
      default -> throw new IllegalArgumentException("sparse deltas carry bf16, f16 or f32 values, not " + type.code());
    };
  }
}
