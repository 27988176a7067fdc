package dev.quarry.grail.protocol;

import java.math.BigInteger;

/**
 * The verifier's acceptance rule for one challenged position: the modular distance between the
 * miner's committed sketch and the validator's recomputed one must not exceed
 * {@code int(base + growth · sqrt(position))} (6000 + 5·√pos in v5), position being the absolute
 * token index.
 */
public final class SketchTolerance {

  private final int base;
  private final double growth;
  private final long primeQ;

  public SketchTolerance(ProtocolParameters.Proof proof) {
    this.base = proof.toleranceBase();
    this.growth = proof.toleranceGrowth();
    this.primeQ = proof.primeQ();
  }

  public static SketchTolerance v5() {
    return new SketchTolerance(ProtocolParameters.v5().proof());
  }

  /** {@code adaptive_sketch_tolerance(position)}. */
  public long tolerance(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must be non-negative, got " + position);
    }
    return (long) (base + growth * Math.sqrt(position));
  }

  /**
   * {@code min(|v − m|, q − |v − m|)} exactly as the reference computes it — including its quirk that
   * a claimed value far outside [0, q) yields a negative "distance" and passes.
   */
  public long distance(long validatorSketch, long minerSketch) {
    BigInteger difference = BigInteger.valueOf(validatorSketch).subtract(BigInteger.valueOf(minerSketch)).abs();
    BigInteger wrapped = BigInteger.valueOf(primeQ).subtract(difference);
    BigInteger distance = difference.min(wrapped);
    if (distance.bitLength() > 63) {
      // Only reachable with claimed values near the long range, which are negative distances.
      return Long.MIN_VALUE;
    }
    return distance.longValue();
  }

  /** Whether the miner's value passes at this position. */
  public boolean accepts(long validatorSketch, long minerSketch, long position) {
    return distance(validatorSketch, minerSketch) <= tolerance(position);
  }
}
