package dev.quarry.crypto;

import java.math.BigInteger;

/** Bitcoin-alphabet base58, the text form under SS58 addresses. */
final class Base58 {

  private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(58);

  private Base58() {}

  static String encode(byte[] data) {
    int leadingZeros = 0;
    while (leadingZeros < data.length && data[leadingZeros] == 0) {
      leadingZeros++;
    }
    StringBuilder out = new StringBuilder();
    BigInteger value = new BigInteger(1, data);
    while (value.signum() > 0) {
      BigInteger[] divided = value.divideAndRemainder(BASE);
      out.append(ALPHABET.charAt(divided[1].intValue()));
      value = divided[0];
    }
    out.append("1".repeat(leadingZeros));
    return out.reverse().toString();
  }

  static byte[] decode(String text) {
    BigInteger value = BigInteger.ZERO;
    int leadingOnes = 0;
    boolean counting = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("not base58: character '" + c + "' at position " + i);
      }
      if (counting && digit == 0) {
        leadingOnes++;
      } else {
        counting = false;
      }
      value = value.multiply(BASE).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0;
    byte[] out = new byte[leadingOnes + magnitude.length - skip];
    System.arraycopy(magnitude, skip, out, leadingOnes, magnitude.length - skip);
    return out;
  }
}
