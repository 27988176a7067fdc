package dev.quarry.grail.protocol;

import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** SHA-256 helpers shared by the protocol functions. */
final class Hashing {

  private Hashing() {}

  static MessageDigest sha256() {
    return Hashes.newSha256();
  }

  static byte[] sha256(byte[] data) {
    return Hashes.sha256(data);
  }

  static byte[] sha256(String utf8) {
    return sha256(utf8.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(String utf8) {
    return Hex.encode(sha256(utf8));
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
