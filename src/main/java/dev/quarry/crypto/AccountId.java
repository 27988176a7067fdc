package dev.quarry.crypto;

import java.util.Arrays;

/**
 * A 32-byte account id (an sr25519 public key), the value that identifies hotkeys and coldkeys on
 * chain. Compares by content; {@code toString} is the SS58 (format 42) address.
 */
public final class AccountId implements Comparable<AccountId> {

  public static final int LENGTH = 32;

  private final byte[] bytes;

  public AccountId(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "an account id is 32 bytes, got " + (bytes == null ? "none" : bytes.length + " bytes"));
    }
    this.bytes = bytes.clone();
  }

  /** Parses an SS58 address (format 42). */
  public static AccountId fromSs58(String address) {
    return Ss58.decodeBittensor(address);
  }

  /** Parses {@code 0x}-prefixed or bare hex of 32 bytes. */
  public static AccountId fromHex(String hex) {
    return new AccountId(Hex.decode(hex, LENGTH, "account id"));
  }

  /** Parses either an SS58 address or 32-byte hex. */
  public static AccountId parse(String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("0x") && trimmed.length() == 66) {
      return fromHex(trimmed);
    }
    return fromSs58(trimmed);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String ss58() {
    return Ss58.encode(bytes);
  }

  public String hex() {
    return Hex.encode0x(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AccountId that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(AccountId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return ss58();
  }
}
