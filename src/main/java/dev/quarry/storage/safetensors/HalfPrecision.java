package dev.quarry.storage.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats found in checkpoints. Done in Java
 * because DJL's PyTorch JNI aborts the JVM on bfloat16 (it cannot be caught), so bf16 weights are
 * widened before any NDArray exists, and narrowed again when we write checkpoints.
 */
public final class HalfPrecision {

  private HalfPrecision() {}

  /** bf16 is the upper half of a float32, so widening is exact. */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /**
   * Narrows with round-to-nearest-even, the rounding torch uses for {@code tensor.to(torch.bfloat16)},
   * so weights we write hash the same as the reference's. NaN stays a quiet NaN.
   */
  public static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** IEEE 754 binary16 to float32 (exact). Written out because Float.float16ToFloat is JDK 20+. */
  public static float float16ToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1.0p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** float32 to IEEE 754 binary16 with round-to-nearest-even, as numpy and torch do. */
  public static short floatToFloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int magnitude = bits & 0x7FFFFFFF;
    if (magnitude >= 0x7F800000) {
      boolean nan = magnitude > 0x7F800000;
      return (short) (sign | 0x7C00 | (nan ? 0x200 | ((magnitude >>> 13) & 0x3FF) : 0));
    }
    if (magnitude >= 0x477FF000) {
      return (short) (sign | 0x7C00); // at or above 65520 rounds to infinity
    }
    if (magnitude < 0x38800000) { // below the smallest normal half: subnormal or zero
      if (magnitude < 0x33000000) {
        return (short) sign; // below half the smallest subnormal (ties go to even zero)
      }
      int exponent = magnitude >>> 23;
      int mantissa = (magnitude & 0x7FFFFF) | 0x800000;
      int shift = 126 - exponent;
      return (short) (sign | roundShiftRightEven(mantissa, shift));
    }
    int rebased = ((magnitude >>> 23) - 112) << 10 | ((magnitude & 0x7FFFFF) >>> 13);
    int remainder = magnitude & 0x1FFF;
    if (remainder > 0x1000 || (remainder == 0x1000 && (rebased & 1) == 1)) {
      rebased++; // a carry into the exponent is correct, up to infinity
    }
    return (short) (sign | rebased);
  }

  private static int roundShiftRightEven(int value, int shift) {
    int result = value >>> shift;
    int remainder = value & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (result & 1) == 1)) {
      result++;
    }
    return result;
  }
}
