package dev.quarry.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SS58 addresses: {@code base58(prefix ++ publicKey ++ blake2b512("SS58PRE" ++ prefix ++
 * publicKey)[0..2])}. Bittensor uses network format 42 (a single prefix byte); formats 64..16383
 * use the two-byte prefix encoding.
 */
public final class Ss58 {

  /** The generic Substrate format, which Bittensor uses. */
  public static final int BITTENSOR_FORMAT = 42;

  private static final byte[] CHECKSUM_PREFIX = "SS58PRE".getBytes(StandardCharsets.US_ASCII);

  /** A decoded address: its network format and the 32-byte public key. */
  public record Decoded(int format, AccountId accountId) {}

  private Ss58() {}

  /** Encodes a 32-byte public key in format 42. */
  public static String encode(byte[] publicKey) {
    return encode(publicKey, BITTENSOR_FORMAT);
  }

  public static String encode(byte[] publicKey, int format) {
    if (publicKey.length != 32) {
      throw new IllegalArgumentException("SS58 needs a 32-byte public key, got " + publicKey.length + " bytes");
    }
    byte[] prefix = prefixBytes(format);
    byte[] body = concat(prefix, publicKey);
    byte[] checksum = Hashes.blake2b512(concat(CHECKSUM_PREFIX, body));
    return Base58.encode(concat(body, Arrays.copyOf(checksum, 2)));
  }

  /** Decodes and checks an address of any format; the key must be 32 bytes. */
  public static Decoded decode(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("SS58 address is empty");
    }
    byte[] raw;
    try {
      raw = Base58.decode(address.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + address + "' is not an SS58 address: " + e.getMessage());
    }
    if (raw.length == 0) {
      throw new IllegalArgumentException("'" + address + "' is not an SS58 address");
    }
    if ((raw[0] & 0x80) != 0) {
      throw new IllegalArgumentException("'" + address + "' is not an SS58 address (invalid prefix byte)");
    }
    int prefixLength = (raw[0] & 0x40) != 0 ? 2 : 1;
    int format;
    if (prefixLength == 1) {
      format = raw[0] & 0xff;
    } else {
      if (raw.length < 2) {
        throw new IllegalArgumentException("'" + address + "' is not an SS58 address");
      }
      int first = raw[0] & 0xff;
      int second = raw[1] & 0xff;
      format = ((first & 0x3f) << 2) | (second >> 6) | ((second & 0x3f) << 8);
    }
    if (raw.length != prefixLength + 32 + 2) {
      throw new IllegalArgumentException(
          "'" + address + "' is not a 32-byte-key SS58 address (decoded length " + raw.length + ")");
    }
    byte[] body = Arrays.copyOf(raw, prefixLength + 32);
    byte[] checksum = Hashes.blake2b512(concat(CHECKSUM_PREFIX, body));
    if (checksum[0] != raw[raw.length - 2] || checksum[1] != raw[raw.length - 1]) {
      throw new IllegalArgumentException("'" + address + "' has a bad SS58 checksum (mistyped address?)");
    }
    return new Decoded(format, new AccountId(Arrays.copyOfRange(raw, prefixLength, prefixLength + 32)));
  }

  /** Decodes an address that must use format 42. */
  public static AccountId decodeBittensor(String address) {
    Decoded decoded = decode(address);
    if (decoded.format() != BITTENSOR_FORMAT) {
      throw new IllegalArgumentException(
          "'" + address + "' is an SS58 address for network format " + decoded.format()
              + ", Bittensor uses format 42 (addresses starting with 5)");
    }
    return decoded.accountId();
  }

  private static byte[] prefixBytes(int format) {
    if (format < 0 || format > 16383 || format == 46 || format == 47) {
      throw new IllegalArgumentException("SS58 format " + format + " is out of range or reserved");
    }
    if (format < 64) {
      return new byte[] {(byte) format};
    }
    int first = ((format & 0xfc) >> 2) | 0x40;
    int second = (format >> 8) | ((format & 0x03) << 6);
    return new byte[] {(byte) first, (byte) second};
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
