package dev.quarry.storage.safetensors;

import java.util.Arrays;

/** Element types of the safetensors format, with their header codes and widths in bytes. */
public enum TensorDType {
  F64("F64", 8),
  F32("F32", 4),
  F16("F16", 2),
  BF16("BF16", 2),
  I64("I64", 8),
  I32("I32", 4),
  I16("I16", 2),
  I8("I8", 1),
  U8("U8", 1),
  BOOL("BOOL", 1);

  private final String code;
  private final int byteWidth;

  TensorDType(String code, int byteWidth) {
    this.code = code;
    this.byteWidth = byteWidth;
  }

  /** The code used in the JSON header, e.g. {@code "BF16"}. */
  public String code() {
    return code;
  }

  public int byteWidth() {
    return byteWidth;
  }

  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  public static TensorDType fromCode(String code) {
    return Arrays.stream(values())
        .filter(type -> type.code.equals(code))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unsupported safetensors dtype '" + code + "'"));
  }
}
