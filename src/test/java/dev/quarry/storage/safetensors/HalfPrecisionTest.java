package dev.quarry.storage.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exhaustive checks over every 16-bit pattern: exact widening, exact round trips, ties to even. */
class HalfPrecisionTest {

  @Test
  void everyFiniteBfloat16RoundTripsAndMidpointsRoundToEven() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = HalfPrecision.bfloat16ToFloat((short) bits);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(value)))).isTrue();
        continue;
      }
      assertThat(HalfPrecision.floatToBfloat16(value) & 0xFFFF).isEqualTo(bits);
      if ((bits & 0x7FFF) >= 0x7F7F) {
        continue; // the next pattern up is infinity/NaN; no midpoint above the largest finite value
      }
      float midpoint = Float.intBitsToFloat((bits << 16) | 0x8000);
      int roundedToEven = (bits & 1) == 0 ? bits : bits + 1;
      assertThat(HalfPrecision.floatToBfloat16(midpoint) & 0xFFFF).as("tie above %04x", bits).isEqualTo(roundedToEven);
      float aboveMidpoint = Float.intBitsToFloat((bits << 16) | 0x8001);
      assertThat(HalfPrecision.floatToBfloat16(aboveMidpoint) & 0xFFFF).isEqualTo(bits + 1);
    }
  }

  @Test
  void everyFiniteFloat16RoundTripsAndMidpointsRoundToEven() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = HalfPrecision.float16ToFloat((short) bits);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(HalfPrecision.float16ToFloat(HalfPrecision.floatToFloat16(value)))).isTrue();
        continue;
      }
      assertThat(HalfPrecision.floatToFloat16(value) & 0xFFFF).as("round trip %04x", bits).isEqualTo(bits);
      int magnitude = bits & 0x7FFF;
      if (magnitude >= 0x7BFF) {
        continue;
      }
      double next = HalfPrecision.float16ToFloat((short) (bits + 1));
      float midpoint = (float) ((value + next) / 2); // exact: halves need 11 significant bits
      int roundedToEven = (bits & 1) == 0 ? bits : bits + 1;
      assertThat(HalfPrecision.floatToFloat16(midpoint) & 0xFFFF).as("tie above %04x", bits).isEqualTo(roundedToEven);
      float aboveMidpoint = Math.nextAfter(midpoint, next);
      assertThat(HalfPrecision.floatToFloat16(aboveMidpoint) & 0xFFFF).isEqualTo(bits + 1);
    }
  }

  @Test
  void float16KnownValuesAndOverflow() {
    assertThat(HalfPrecision.float16ToFloat((short) 0x3C00)).isEqualTo(1.0f);
    assertThat(HalfPrecision.float16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
    assertThat(HalfPrecision.float16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(HalfPrecision.float16ToFloat((short) 0x0001)).isEqualTo(0x1.0p-24f);
    assertThat(HalfPrecision.floatToFloat16(65520f) & 0xFFFF).isEqualTo(0x7C00);
    assertThat(HalfPrecision.floatToFloat16(65519.99f) & 0xFFFF).isEqualTo(0x7BFF);
    assertThat(HalfPrecision.floatToFloat16(0x1.0p-25f) & 0xFFFF).isZero();
    assertThat(HalfPrecision.floatToFloat16(Math.nextUp(0x1.0p-25f)) & 0xFFFF).isEqualTo(1);
    assertThat(HalfPrecision.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
    assertThat(HalfPrecision.floatToBfloat16(Float.MAX_VALUE) & 0xFFFF).isEqualTo(0x7F80);
  }
}
