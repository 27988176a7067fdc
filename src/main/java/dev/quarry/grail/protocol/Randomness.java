package dev.quarry.grail.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A randomness value as the protocol carries it: plain hex text, no {@code 0x}. Two of them
 * matter:
 *
 * <ul>
 *   <li>the miner's <b>beacon</b> ({@code commit.beacon.randomness}, the top-level
 *       {@code randomness} column, and an input of the commit binding) — it seeds the sketch
 *       coefficients;
 *   <li>the validator's <b>challenge randomness</b> ({@code window_rand}) — it picks the challenged
 *       positions and the spot-checked groups.
 * </ul>
 *
 * <p>The validator's schema requires the beacon to match {@code ^[0-9a-fA-F]+$}. The reference miner
 * without drand stores the block hash itself, {@code "0x..."}, which fails that check and loses the
 * window; this type cannot hold such a value, and {@link #minerBeaconWithoutDrand} drops the prefix
 * instead. The bytes derived from it (and so the sketch coefficients and binding) are the same,
 * because the reference's hex clean-up removes {@code 0x} anyway.
 *
 * @param hex non-empty hex digits
 */
public record Randomness(String hex) {

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

  public Randomness {
    Objects.requireNonNull(hex, "hex");
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "randomness must be plain hex digits without 0x (the validator's schema rejects anything else), got '"
              + hex + "'");
    }
  }

  /** Reads a beacon or challenge value, refusing what the validator's schema would refuse. */
  public static Randomness parse(String text) {
    return new Randomness(Objects.requireNonNull(text, "text"));
  }

  /**
   * The miner's beacon for a window: {@code sha256(utf8(block_hash + drand_randomness)).hexdigest()}
   * — a plain string concatenation of the {@code 0x}-prefixed block hash and the drand round's
   * randomness text ({@code grail/cli/mine.py::get_window_randomness}).
   */
  public static Randomness minerBeacon(BlockHash windowBlockHash, String drandRandomness) {
    requireDrandHex(drandRandomness);
    return new Randomness(Hashing.sha256Hex(windowBlockHash.value() + drandRandomness));
  }

  /**
   * The miner's beacon when drand is off or unreachable: the window's block hash digits. (The
   * reference stores {@code "0x..."} here, which its own validator rejects; see the type's notes.)
   */
  public static Randomness minerBeaconWithoutDrand(BlockHash windowBlockHash) {
    return new Randomness(windowBlockHash.hexDigits());
  }

  /**
   * The validator's challenge randomness for a target window W
   * ({@code ValidationService._compute_window_randomness}): {@code sha256(hash(W + 30) + drand)},
   * or {@code sha256(hash(W + 30))} without drand — note this fallback differs from the miner's.
   *
   * @param blockHashAfterDeadline the hash of block W + window length (first block after the upload deadline)
   * @param drandRandomness the drand randomness at validation time, or {@code null} when unavailable
   */
  public static Randomness validatorChallenge(BlockHash blockHashAfterDeadline, String drandRandomness) {
    if (drandRandomness == null) {
      return new Randomness(Hashing.sha256Hex(blockHashAfterDeadline.value()));
    }
    requireDrandHex(drandRandomness);
    return new Randomness(Hashing.sha256Hex(blockHashAfterDeadline.value() + drandRandomness));
  }

  /** The bytes the reference derives from this value (see {@link HexCleaning}). */
  public byte[] bytes() {
    return HexCleaning.toBytes(hex);
  }

  @Override
  public String toString() {
    return hex;
  }

  private static void requireDrandHex(String drandRandomness) {
    Objects.requireNonNull(drandRandomness, "drandRandomness");
    if (!HEX.matcher(drandRandomness).matches()) {
      throw new IllegalArgumentException(
          "drand randomness is the hex 'randomness' field of a drand round, got '" + drandRandomness + "'");
    }
  }
}
