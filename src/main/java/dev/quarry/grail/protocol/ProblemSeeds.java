package dev.quarry.grail.protocol;

import java.util.Objects;

/**
 * Which problem a rollout group answers, and its nonces ({@code derive_env_seed} and the nonce rule
 * of {@code package_rollout_data}). The validator recomputes the seed from the row's stored
 * {@code rollout_group}, so groups may skip indices but the stored group must be the index the seed
 * came from.
 */
public final class ProblemSeeds {

  private ProblemSeeds() {}

  /**
   * {@code int(sha256(b"seed|" + utf8(f"{hotkey}:{block_hash}:{index}")).hexdigest()[:8], 16)}: an
   * unsigned 32-bit seed.
   *
   * @param hotkeySs58 the miner's hotkey address
   * @param windowBlockHash the hash of the window's first block
   * @param problemIndex the rollout group number
   */
  public static long environmentSeed(String hotkeySs58, BlockHash windowBlockHash, long problemIndex) {
    Objects.requireNonNull(hotkeySs58, "hotkeySs58");
    Objects.requireNonNull(windowBlockHash, "windowBlockHash");
    String material = "seed|" + hotkeySs58 + ":" + windowBlockHash.value() + ":" + problemIndex;
    byte[] digest = Hashing.sha256(material);
    return ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL);
  }

  /** {@code rollout_group * rolloutsPerProblem + rolloutIndex}: unique within a window file. */
  public static long nonce(long rolloutGroup, int rolloutIndex, int rolloutsPerProblem) {
    if (rolloutIndex < 0 || rolloutIndex >= rolloutsPerProblem) {
      throw new IllegalArgumentException(
          "rollout index must be in [0, " + rolloutsPerProblem + "), got " + rolloutIndex);
    }
    if (rolloutGroup < 0) {
      throw new IllegalArgumentException("rollout group must be non-negative, got " + rolloutGroup);
    }
    return Math.addExact(Math.multiplyExact(rolloutGroup, (long) rolloutsPerProblem), rolloutIndex);
  }

  /** The nonce with the live group size (16). */
  public static long nonce(long rolloutGroup, int rolloutIndex) {
    return nonce(rolloutGroup, rolloutIndex, ProtocolParameters.v5().rollouts().rolloutsPerProblem());
  }
}
