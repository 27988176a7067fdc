package dev.quarry.grail.protocol;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block hash in the exact form the reference uses everywhere (seed derivation, drand mixing, the
 * {@code block_hash} column, the validator's equality check): {@code "0x"} followed by 64 lower-case
 * hex digits — what {@code subtensor.get_block_hash} returns.
 *
 * @param value the canonical text
 */
public record BlockHash(String value) {

  private static final Pattern CANONICAL = Pattern.compile("0x[0-9a-f]{64}");

  public BlockHash {
    Objects.requireNonNull(value, "value");
    if (!CANONICAL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "a block hash is \"0x\" followed by 64 lower-case hex digits, got '" + value + "'");
    }
  }

  /**
   * Accepts a hash with or without {@code 0x}, in any case, surrounded by whitespace, and returns
   * the canonical form. Anything that is not 32 bytes of hex is rejected.
   */
  public static BlockHash parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    if (trimmed.startsWith("0x") || trimmed.startsWith("0X")) {
      trimmed = trimmed.substring(2);
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (!lower.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "a block hash is 32 bytes of hex (64 digits, optionally prefixed with 0x), got '" + text + "'");
    }
    return new BlockHash("0x" + lower);
  }

  /** The 64 hex digits without the prefix. */
  public String hexDigits() {
    return value.substring(2);
  }

  @Override
  public String toString() {
    return value;
  }
}
