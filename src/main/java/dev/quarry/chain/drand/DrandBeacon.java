package dev.quarry.chain.drand;

import java.util.HexFormat;
import java.util.Objects;

/**
 * A quicknet beacon whose signature has been verified. Only {@link QuicknetVerifier} creates
 * them, so holding one means the round, signature and randomness belong together.
 */
public final class DrandBeacon {

  private final long round;
  private final byte[] signature;
  private final String randomness;

  DrandBeacon(long round, byte[] signature, String randomness) {
    this.round = round;
    this.signature = signature.clone();
    this.randomness = Objects.requireNonNull(randomness);
  }

  public long round() {
    return round;
  }

  /** The 48-byte compressed G1 signature. */
  public byte[] signature() {
    return signature.clone();
  }

  public String signatureHex() {
    return HexFormat.of().formatHex(signature);
  }

  /** {@code sha256(signature)} as 64 lowercase hex characters, the value Grail mixes in. */
  public String randomness() {
    return randomness;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DrandBeacon beacon && beacon.round == round && beacon.randomness.equals(randomness);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(round) * 31 + randomness.hashCode();
  }

  @Override
  public String toString() {
    return "DrandBeacon[round=" + round + ", randomness=" + randomness + "]";
  }
}
