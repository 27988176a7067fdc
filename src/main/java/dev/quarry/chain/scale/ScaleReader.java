package dev.quarry.chain.scale;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads SCALE values from a byte array, front to back. Every read checks bounds and throws
 * {@link ScaleException} with the offset on malformed input. Not thread-safe.
 */
public final class ScaleReader {

  private final byte[] data;
  private int position;

  public ScaleReader(byte[] data) {
    this.data = data;
  }

  public int position() {
    return position;
  }

  public int remaining() {
    return data.length - position;
  }

  public boolean hasRemaining() {
    return position < data.length;
  }

  public int u8() {
    require(1, "u8");
    return data[position++] & 0xff;
  }

  public boolean bool() {
    int value = u8();
    if (value > 1) {
      throw new ScaleException("bool must be 0 or 1, got " + value + " at offset " + (position - 1));
    }
    return value == 1;
  }

  public int u16() {
    return (int) littleEndian(2, "u16");
  }

  public long u32() {
    return littleEndian(4, "u32");
  }

  /** A u64 as its 64-bit pattern (use {@link Long#toUnsignedString} for values ≥ 2^63). */
  public long u64() {
    return littleEndian(8, "u64");
  }

  public BigInteger u128() {
    byte[] little = raw(16);
    byte[] big = new byte[17];
    for (int i = 0; i < 16; i++) {
      big[16 - i] = little[i];
    }
    return new BigInteger(big);
  }

  /** A compact integer that must fit in a signed long. */
  public long compact() {
    BigInteger value = compactBig();
    if (value.bitLength() > 63) {
      throw new ScaleException("compact integer too large for a long at offset " + position);
    }
    return value.longValue();
  }

  /** A compact integer of any size. */
  public BigInteger compactBig() {
    int first = u8();
    switch (first & 0b11) {
      case 0b00:
        return BigInteger.valueOf(first >>> 2);
      case 0b01: {
        int second = u8();
        return BigInteger.valueOf(((second << 8) | first) >>> 2);
      }
      case 0b10: {
        long rest = littleEndian(3, "compact");
        return BigInteger.valueOf(((rest << 8) | first) >>> 2);
      }
      default: {
        int length = (first >>> 2) + 4;
        byte[] little = raw(length);
        byte[] big = new byte[length + 1];
        for (int i = 0; i < length; i++) {
          big[length - i] = little[i];
        }
        return new BigInteger(big);
      }
    }
  }

  /**
   * A compact length or element count. Every element we read takes at least one byte, so a count
   * above the remaining input is malformed; checking it makes garbage fail fast.
   */
  public int compactLength() {
    int at = position;
    long value = compact();
    if (value > remaining()) {
      throw new ScaleException("length " + value + " at offset " + at + " exceeds the input");
    }
    return (int) value;
  }

  public byte[] raw(int length) {
    require(length, length + " bytes");
    byte[] out = Arrays.copyOfRange(data, position, position + length);
    position += length;
    return out;
  }

  /** {@code Vec<u8>}. */
  public byte[] bytes() {
    int length = compactLength();
    return raw(length);
  }

  /** A SCALE string (must be valid UTF-8). */
  public String string() {
    int at = position;
    byte[] bytes = bytes();
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ScaleException("string at offset " + at + " is not UTF-8");
    }
  }

  /** The option tag: false for None (0), true for Some (1). */
  public boolean optionTag() {
    int tag = u8();
    if (tag > 1) {
      throw new ScaleException("option tag must be 0 or 1, got " + tag + " at offset " + (position - 1));
    }
    return tag == 1;
  }

  /** Fails unless every byte was consumed (decoders call this to catch layout mismatches). */
  public void expectEnd(String what) {
    if (hasRemaining()) {
      throw new ScaleException(what + ": " + remaining() + " unexpected trailing bytes at offset " + position);
    }
  }

  private long littleEndian(int width, String what) {
    require(width, what);
    long value = 0;
    for (int i = width - 1; i >= 0; i--) {
      value = (value << 8) | (data[position + i] & 0xffL);
    }
    position += width;
    return value;
  }

  private void require(int count, String what) {
    if (count < 0 || position + count > data.length) {
      throw new ScaleException(
          "input ends while reading " + what + " at offset " + position + " (" + remaining() + " bytes left)");
    }
  }
}
