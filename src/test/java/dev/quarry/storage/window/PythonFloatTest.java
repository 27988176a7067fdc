package dev.quarry.storage.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonFloatTest {

  /** Bit patterns and CPython 3's repr() of them (printed by python3 on the build machine). */
  private static final Object[][] PYTHON_REPRS = {
    {0x41da486811c7e6b4L, "1763811399.123456"},
    {0x41da4867f8e00000L, "1763811299.5"},
    {0x4341c37937e08000L, "1e+16"},
    {0x430c6bf526340000L, "1000000000000000.0"},
    {0x42dc12218377de66L, "123456789012345.6"},
    {0x3ee4f8b588e368f1L, "1e-05"},
    {0x3f1a36e2eb1c432dL, "0.0001"},
    {0x3fb999999999999aL, "0.1"},
    {0x405ec00000000000L, "123.0"},
    {0x4480f0cf064dd592L, "1e+22"},
    {0x0000000000000001L, "5e-324"},
    {0x7fefffffffffffffL, "1.7976931348623157e+308"},
    {0x4340000000000000L, "9007199254740992.0"},
    {0x8000000000000000L, "-0.0"},
    {0x0000000000000000L, "0.0"},
    {0xbff8000000000000L, "-1.5"},
    {0x3fd5555555555555L, "0.3333333333333333"},
    {0x3e90c6f7a0b5ed8dL, "2.5e-07"},
    {0x4059000000000000L, "100.0"},
    {0x4132d68700000000L, "1234567.0"},
  };

  @Test
  void formatsLikePythonStr() {
    for (Object[] entry : PYTHON_REPRS) {
      double value = Double.longBitsToDouble((Long) entry[0]);
      assertThat(PythonFloat.repr(value)).as("bits %x", entry[0]).isEqualTo(entry[1]);
    }
    assertThat(PythonFloat.repr(Double.NaN)).isEqualTo("nan");
    assertThat(PythonFloat.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }
}
