package dev.quarry.chain.drand;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Randomness;
import java.util.Objects;
import java.util.Optional;

/**
 * What a window gets from drand: a verified beacon, or nothing (drand switched off, or no relay
 * answered with a verified beacon). Either way {@link #windowRandomness(String)} gives the value
 * that goes into the row's {@code randomness}, {@code commit.beacon.randomness} and the commit
 * binding, and {@link #useDrand()} is the honest {@code use_drand} column.
 *
 * <p>The rule (computed by {@link Randomness}, the one implementation of it), compatible with
 * Grail's {@code get_window_randomness}:
 * <ul>
 *   <li>with a beacon: {@code hex(sha256(utf8(blockHash + beacon.randomness)))}, where {@code
 *       blockHash} keeps its {@code 0x} (exactly Grail's string concatenation);
 *   <li>without: the block hash with its {@code 0x} removed. Grail uses the block hash with the
 *       {@code 0x}, which fails the validator's {@code ^[0-9a-fA-F]+$} check on the beacon; the
 *       bytes every consumer derives (hex cleaning drops {@code 0x}) are the same, so "mix
 *       nothing" is kept and only the invalid prefix goes. Grail instead mixes a random mock
 *       beacon when drand is down and still says {@code use_drand=true}; Quarry does neither.
 * </ul>
 */
public sealed interface DrandOutcome permits DrandOutcome.Verified, DrandOutcome.Skipped {

  /** Whether a verified drand beacon was mixed in: the row's {@code use_drand}. */
  boolean useDrand();

  /** The beacon that was mixed in, when there was one. */
  Optional<DrandBeacon> verifiedBeacon();

  /**
   * The window randomness for the block hash of the window start.
   *
   * @param blockHash {@code "0x"} followed by 64 hex characters, as the chain returns it
   * @return 64 lowercase hex characters, no prefix
   */
  String windowRandomness(String blockHash);

  /** A verified beacon was mixed in. */
  record Verified(DrandBeacon beacon) implements DrandOutcome {
    public Verified {
      Objects.requireNonNull(beacon, "beacon");
    }

    @Override
    public boolean useDrand() {
      return true;
    }

    @Override
    public Optional<DrandBeacon> verifiedBeacon() {
      return Optional.of(beacon);
    }

    @Override
    public String windowRandomness(String blockHash) {
      return Randomness.minerBeacon(checkBlockHash(blockHash), beacon.randomness()).hex();
    }
  }

  /** No beacon: drand was switched off, or unavailable. {@code detail} says why, for logs and /status. */
  record Skipped(Reason reason, String detail) implements DrandOutcome {
    public enum Reason {
      /** {@code --no-drand} or {@code QUARRY_DRAND=false}. */
      DISABLED,
      /** Every relay failed, timed out or served a beacon that did not verify. */
      UNAVAILABLE
    }

    public Skipped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public boolean useDrand() {
      return false;
    }

    @Override
    public Optional<DrandBeacon> verifiedBeacon() {
      return Optional.empty();
    }

    @Override
    public String windowRandomness(String blockHash) {
      return Randomness.minerBeaconWithoutDrand(checkBlockHash(blockHash)).hex();
    }
  }

  /** The chain's form, with {@code 0x}: accepting bare digits here would hide a caller's mistake. */
  private static BlockHash checkBlockHash(String blockHash) {
    if (blockHash == null || !blockHash.matches("0x[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("a block hash is \"0x\" followed by 64 hex characters, got " + blockHash);
    }
    return BlockHash.parse(blockHash);
  }
}
