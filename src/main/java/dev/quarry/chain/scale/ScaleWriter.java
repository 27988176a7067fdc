package dev.quarry.chain.scale;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends SCALE-encoded values to a growing byte buffer. Not thread-safe; cheap to create. */
public final class ScaleWriter {

  private static final BigInteger U128_LIMIT = BigInteger.ONE.shiftLeft(128);

  private byte[] buffer = new byte[64];
  private int size;

  public ScaleWriter u8(int value) {
    checkRange(value, 0xff, "u8");
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  public ScaleWriter bool(boolean value) {
    return u8(value ? 1 : 0);
  }

  public ScaleWriter u16(int value) {
    checkRange(value, 0xffff, "u16");
    return littleEndian(value, 2);
  }

  public ScaleWriter u32(long value) {
    checkRange(value, 0xffffffffL, "u32");
    return littleEndian(value, 4);
  }

  /** Writes the 64 bits of {@code value} (callers pass unsigned values as their bit pattern). */
  public ScaleWriter u64(long value) {
    return littleEndian(value, 8);
  }

  public ScaleWriter u128(BigInteger value) {
    if (value.signum() < 0 || value.compareTo(U128_LIMIT) >= 0) {
      throw new IllegalArgumentException("u128 out of range: " + value);
    }
    byte[] bigEndian = value.toByteArray();
    byte[] little = new byte[16];
    for (int i = 0; i < 16 && i < bigEndian.length; i++) {
      little[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return raw(little);
  }

  /** Compact (variable-length) unsigned integer. */
  public ScaleWriter compact(long value) {
    if (value < 0) {
      return compact(new BigInteger(Long.toUnsignedString(value)));
    }
    if (value < 1L << 6) {
      return u8((int) (value << 2));
    }
    if (value < 1L << 14) {
      return littleEndian((value << 2) | 0b01, 2);
    }
    if (value < 1L << 30) {
      return littleEndian((value << 2) | 0b10, 4);
    }
    return compact(BigInteger.valueOf(value));
  }

  public ScaleWriter compact(BigInteger value) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("compact integers are unsigned: " + value);
    }
    if (value.bitLength() < 31) {
      return compact(value.longValue());
    }
    byte[] bigEndian = value.toByteArray();
    int start = bigEndian[0] == 0 ? 1 : 0;
    int length = bigEndian.length - start;
    if (length > 67) {
      throw new IllegalArgumentException("compact integer too large");
    }
    length = Math.max(length, 4);
    u8(((length - 4) << 2) | 0b11);
    byte[] little = new byte[length];
    for (int i = 0; i < bigEndian.length - start; i++) {
      little[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return raw(little);
  }

  /** Bytes with no length prefix (fixed-size arrays such as account ids and hashes). */
  public ScaleWriter raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
    return this;
  }

  /** {@code Vec<u8>}: compact length then the bytes. */
  public ScaleWriter bytes(byte[] bytes) {
    compact(bytes.length);
    return raw(bytes);
  }

  public ScaleWriter string(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  /** The SCALE compact encoding of one value. */
  public static byte[] compactBytes(long value) {
    return new ScaleWriter().compact(value).toByteArray();
  }

  private ScaleWriter littleEndian(long value, int width) {
    ensure(width);
    for (int i = 0; i < width; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  private static void checkRange(long value, long max, String type) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(type + " out of range: " + value);
    }
  }

  private void ensure(int extra) {
    if (size + extra > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
    }
  }
}
