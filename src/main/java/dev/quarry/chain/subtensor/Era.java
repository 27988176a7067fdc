package dev.quarry.chain.subtensor;

import dev.quarry.chain.scale.ScaleException;

/**
 * A transaction's mortality ({@code sp_runtime::generic::Era}): immortal, or valid for
 * {@code period} blocks (a power of two in [4, 65536]) from its birth block, identified by
 * {@code phase = birth % period}. The birth block's hash is part of what is signed.
 */
public record Era(long period, long phase) {

  public static final Era IMMORTAL = new Era(0, 0);

  public boolean isImmortal() {
    return period == 0;
  }

  /** The era sp_runtime's {@code Era::mortal(period, current)} makes (period rounded up and clamped). */
  public static Era mortal(long currentBlock, long requestedPeriod) {
    long period = Long.highestOneBit(Math.max(1, requestedPeriod));
    if (period < requestedPeriod) {
      period <<= 1;
    }
    period = Math.min(Math.max(period, 4), 1 << 16);
    long phase = currentBlock % period;
    long quantizeFactor = Math.max(period >> 12, 1);
    return new Era(period, phase / quantizeFactor * quantizeFactor);
  }

  /** The first block of this era that is not after {@code currentBlock}; its hash is signed. */
  public long birth(long currentBlock) {
    if (isImmortal()) {
      return 0;
    }
    return (Math.max(currentBlock, phase) - phase) / period * period + phase;
  }

  /** The first block at which a transaction with this era is no longer valid. */
  public long death(long currentBlock) {
    return isImmortal() ? Long.MAX_VALUE : birth(currentBlock) + period;
  }

  public byte[] encode() {
    if (isImmortal()) {
      return new byte[] {0};
    }
    long quantizeFactor = Math.max(period >> 12, 1);
    int low = Math.min(Math.max(Long.numberOfTrailingZeros(period) - 1, 1), 15);
    int encoded = low | (int) ((phase / quantizeFactor) << 4);
    return new byte[] {(byte) encoded, (byte) (encoded >>> 8)};
  }

  public static Era decode(byte[] bytes) {
    if (bytes.length == 1 && bytes[0] == 0) {
      return IMMORTAL;
    }
    if (bytes.length != 2) {
      throw new ScaleException("an era is 1 byte (immortal) or 2 bytes (mortal)");
    }
    int encoded = (bytes[0] & 0xff) | ((bytes[1] & 0xff) << 8);
    long period = 2L << (encoded % (1 << 4));
    long quantizeFactor = Math.max(period >> 12, 1);
    long phase = (encoded >> 4) * quantizeFactor;
    if (period < 4 || phase >= period) {
      throw new ScaleException("invalid mortal era encoding");
    }
    return new Era(period, phase);
  }
}
