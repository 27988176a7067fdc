package dev.quarry.chain.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.crypto.Hex;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** SCALE compact and fixed-width encodings, with the parity-scale-codec documentation examples. */
class ScaleTest {

  @Test
  void compactIntegersMatchTheCodecSpecification() {
    // Examples from the SCALE codec documentation (docs.substrate.io / parity-scale-codec README).
    assertThat(Hex.encode(ScaleWriter.compactBytes(0))).isEqualTo("00");
    assertThat(Hex.encode(ScaleWriter.compactBytes(1))).isEqualTo("04");
    assertThat(Hex.encode(ScaleWriter.compactBytes(42))).isEqualTo("a8");
    assertThat(Hex.encode(ScaleWriter.compactBytes(69))).isEqualTo("1501");
    assertThat(Hex.encode(ScaleWriter.compactBytes(65535))).isEqualTo("feff0300");
    assertThat(Hex.encode(new ScaleWriter().compact(new BigInteger("100000000000000")).toByteArray())).isEqualTo("0b00407a10f35a");
    assertThat(Hex.encode(ScaleWriter.compactBytes(1L << 30))).isEqualTo("0300000040");
    long[] samples = {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, 1L << 40, Long.MAX_VALUE};
    for (long value : samples) {
      assertThat(new ScaleReader(ScaleWriter.compactBytes(value)).compact()).isEqualTo(value);
    }
    BigInteger u128Max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    assertThat(new ScaleReader(new ScaleWriter().compact(u128Max).toByteArray()).compactBig()).isEqualTo(u128Max);
  }

  @Test
  void fixedWidthValuesAreLittleEndian() {
    byte[] bytes = new ScaleWriter().u16(0x1234).u32(0xdeadbeefL).u64(-1L).u128(BigInteger.valueOf(3235789677L)).bool(true)
        .string("hé").toByteArray();
    assertThat(Hex.encode(bytes)).isEqualTo("3412" + "efbeadde" + "ffffffffffffffff" + "6d3bdec0000000000000000000000000" + "01" + "0c68c3a9");
    ScaleReader in = new ScaleReader(bytes);
    assertThat(in.u16()).isEqualTo(0x1234);
    assertThat(in.u32()).isEqualTo(0xdeadbeefL);
    assertThat(in.u64()).isEqualTo(-1L);
    assertThat(in.u128()).isEqualTo(BigInteger.valueOf(3235789677L));
    assertThat(in.bool()).isTrue();
    assertThat(in.string()).isEqualTo("hé");
    in.expectEnd("sample");
  }

  @Test
  void malformedInputFailsWithTheOffset() {
    assertThatThrownBy(() -> new ScaleReader(Hex.decode("0102")).u32()).isInstanceOf(ScaleException.class).hasMessageContaining("offset 0");
    assertThatThrownBy(() -> new ScaleReader(Hex.decode("02")).bool()).hasMessageContaining("bool");
    assertThatThrownBy(() -> new ScaleReader(Hex.decode("fdff")).bytes()).hasMessageContaining("exceeds");
    assertThatThrownBy(() -> new ScaleReader(Hex.decode("02")).optionTag()).hasMessageContaining("option tag");
    ScaleReader trailing = new ScaleReader(Hex.decode("0001"));
    trailing.u8();
    assertThatThrownBy(() -> trailing.expectEnd("x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> new ScaleWriter().u16(70000)).isInstanceOf(IllegalArgumentException.class);
  }
}
