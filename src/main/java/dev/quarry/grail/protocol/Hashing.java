package dev.quarry.grail.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers shared by the protocol functions. */
final class Hashing {

  private Hashing() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", impossible);
    }
  }

  static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  static byte[] sha256(String utf8) {
    return sha256(utf8.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(String utf8) {
    return HexCleaning.toHex(sha256(utf8));
  }

  /** {@code int.from_bytes(digest[:8], "big")} as an unsigned value held in a long. */
  static long firstEightBytesBigEndian(byte[] digest) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (digest[i] & 0xffL);
    }
    return value;
  }
}
