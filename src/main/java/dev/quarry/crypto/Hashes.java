package dev.quarry.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.openhft.hashing.LongHashFunction;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The hashes Substrate and Bittensor use: blake2b at 64/128/256/512 bits (storage hashers, block
 * and extrinsic hashes, SS58 checksums, runtime API ids), xxHash64-based "twox" (storage prefixes)
 * and SHA-2. All methods are pure and thread-safe.
 */
public final class Hashes {

  private static final LongHashFunction XX_SEED_0 = LongHashFunction.xx(0);
  private static final LongHashFunction XX_SEED_1 = LongHashFunction.xx(1);
  private static final LongHashFunction XX_SEED_2 = LongHashFunction.xx(2);
  private static final LongHashFunction XX_SEED_3 = LongHashFunction.xx(3);

  private Hashes() {}

  /** Unkeyed blake2b with the given digest size in bytes (1..64). */
  public static byte[] blake2b(byte[] data, int digestBytes) {
    Blake2bDigest digest = new Blake2bDigest(digestBytes * 8);
    digest.update(data, 0, data.length);
    byte[] out = new byte[digestBytes];
    digest.doFinal(out, 0);
    return out;
  }

  public static byte[] blake2b256(byte[] data) {
    return blake2b(data, 32);
  }

  public static byte[] blake2b128(byte[] data) {
    return blake2b(data, 16);
  }

  public static byte[] blake2b64(byte[] data) {
    return blake2b(data, 8);
  }

  public static byte[] blake2b512(byte[] data) {
    return blake2b(data, 64);
  }

  /** {@code Twox64}: xxHash64 with seed 0, as little-endian bytes. */
  public static byte[] twox64(byte[] data) {
    return littleEndian(XX_SEED_0.hashBytes(data));
  }

  /** {@code Twox128}: xxHash64 seeds 0 and 1, each little-endian, concatenated. */
  public static byte[] twox128(byte[] data) {
    return littleEndian(XX_SEED_0.hashBytes(data), XX_SEED_1.hashBytes(data));
  }

  /** {@code Twox256}: xxHash64 seeds 0..3, each little-endian, concatenated. */
  public static byte[] twox256(byte[] data) {
    return littleEndian(
        XX_SEED_0.hashBytes(data), XX_SEED_1.hashBytes(data), XX_SEED_2.hashBytes(data), XX_SEED_3.hashBytes(data));
  }

  public static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  /** A fresh SHA-256 digest, for data that arrives in pieces (streamed files, uploads). */
  public static MessageDigest newSha256() {
    return jdkDigest("SHA-256");
  }

  public static byte[] sha512(byte[] data) {
    return jdkDigest("SHA-512").digest(data);
  }

  private static byte[] littleEndian(long... values) {
    ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : values) {
      buffer.putLong(value);
    }
    return buffer.array();
  }

  private static MessageDigest jdkDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(algorithm + " is required of every JDK", impossible);
    }
  }
}
