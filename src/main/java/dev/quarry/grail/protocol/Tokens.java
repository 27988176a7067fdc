package dev.quarry.grail.protocol;

import java.security.MessageDigest;

/**
 * The token-sequence hash ({@code hash_tokens}): SHA-256 over each token as a big-endian uint32,
 * tokens reduced {@code & 0xFFFFFFFF} first. It binds the challenged positions and the commit
 * signature to the exact tokens.
 */
public final class Tokens {

  private Tokens() {}

  public static byte[] hash(int[] tokens) {
    MessageDigest sha256 = Hashing.sha256();
    byte[] word = new byte[4];
    for (int token : tokens) {
      word[0] = (byte) (token >>> 24);
      word[1] = (byte) (token >>> 16);
      word[2] = (byte) (token >>> 8);
      word[3] = (byte) token;
      sha256.update(word);
    }
    return sha256.digest();
  }

  /** As {@link #hash(int[])} for token values outside the int range (masked to 32 bits). */
  public static byte[] hash(long[] tokens) {
    int[] masked = new int[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      masked[i] = (int) tokens[i];
    }
    return hash(masked);
  }
}
