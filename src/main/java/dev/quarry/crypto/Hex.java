package dev.quarry.crypto;

import java.util.Arrays;

/**
 * Lowercase hexadecimal as Substrate writes it: {@code "0x"}-prefixed on the wire, optional when
 * reading. Decoding errors never echo the input, because the input may be a secret seed.
 */
public final class Hex {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** Lowercase hex without a prefix. */
  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** Lowercase hex with the {@code 0x} prefix. */
  public static String encode0x(byte[] bytes) {
    return "0x" + encode(bytes);
  }

  /** Decodes hex with or without a {@code 0x} prefix; upper and lower case are accepted. */
  public static byte[] decode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("hex string is missing");
    }
    int start = text.startsWith("0x") || text.startsWith("0X") ? 2 : 0;
    int length = text.length() - start;
    if (length % 2 != 0) {
      throw new IllegalArgumentException("hex string has an odd number of digits (" + length + ")");
    }
    byte[] out = new byte[length / 2];
    for (int i = 0; i < out.length; i++) {
      int high = Character.digit(text.charAt(start + 2 * i), 16);
      int low = Character.digit(text.charAt(start + 2 * i + 1), 16);
      if (high < 0 || low < 0) {
        Arrays.fill(out, (byte) 0);
        throw new IllegalArgumentException("hex string has a non-hex character at position " + (start + 2 * i));
      }
      out[i] = (byte) ((high << 4) | low);
    }
    return out;
  }

  /** Decodes hex that must hold exactly {@code expectedLength} bytes. */
  public static byte[] decode(String text, int expectedLength, String what) {
    byte[] bytes = decode(text);
    if (bytes.length != expectedLength) {
      int actual = bytes.length;
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException(what + " must be " + expectedLength + " bytes, got " + actual);
    }
    return bytes;
  }
}
