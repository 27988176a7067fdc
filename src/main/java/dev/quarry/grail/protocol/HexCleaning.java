package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonText;

/**
 * The reference's one rule for turning a randomness string into bytes, applied identically by the
 * sketch coefficients, the challenge positions and the commit binding: {@code strip()}, delete every
 * {@code "0x"} and then every {@code "0X"} (anywhere, one left-to-right pass each), left-pad an odd
 * length with {@code "0"}, then {@code bytes.fromhex} (which skips ASCII whitespace between byte
 * pairs). Reproduced exactly so that a miner and a validator reading the same string agree even on
 * odd inputs.
 */
public final class HexCleaning {

  private HexCleaning() {}

  /** The text {@code bytes.fromhex} receives: stripped, {@code 0x}/{@code 0X} removed, even length. */
  public static String cleanText(String randomness) {
    String clean = PythonText.strip(randomness).replace("0x", "").replace("0X", "");
    if (PythonText.length(clean) % 2 != 0) {
      clean = "0" + clean;
    }
    return clean;
  }

  /**
   * The bytes the reference derives from {@code randomness}.
   *
   * @throws IllegalArgumentException where the reference raises {@code ValueError}
   */
  public static byte[] toBytes(String randomness) {
    return fromHex(cleanText(randomness));
  }

  /** Python's {@code bytes.fromhex}: pairs of hex digits, ASCII whitespace allowed between pairs. */
  public static byte[] fromHex(String text) {
    byte[] buffer = new byte[text.length() / 2 + 1];
    int count = 0;
    int i = 0;
    int end = text.length();
    while (i < end) {
      while (i < end && isAsciiSpace(text.charAt(i))) {
        i++;
      }
      if (i >= end) {
        break;
      }
      int high = hexValue(text, i);
      int low = i + 1 < end ? hexValue(text, i + 1) : -1;
      if (high < 0) {
        throw invalid(text, i);
      }
      if (low < 0) {
        throw invalid(text, i + 1);
      }
      buffer[count++] = (byte) ((high << 4) | low);
      i += 2;
    }
    byte[] result = new byte[count];
    System.arraycopy(buffer, 0, result, 0, count);
    return result;
  }

  private static IllegalArgumentException invalid(String text, int position) {
    return new IllegalArgumentException(
        "non-hexadecimal number found in fromhex() arg at position " + position + " of '" + text + "'");
  }

  private static boolean isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C;
  }

  private static int hexValue(String text, int index) {
    char c = text.charAt(index);
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
