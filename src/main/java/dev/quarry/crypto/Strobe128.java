package dev.quarry.crypto;

import java.util.Arrays;

/**
 * The subset of STROBE-128 that Merlin transcripts use (meta-AD, AD, KEY, PRF), byte-compatible
 * with the Rust {@code merlin} crate's {@code strobe.rs}.
 */
final class Strobe128 {

  private static final int RATE = 166;
  private static final int FLAG_I = 1;
  private static final int FLAG_A = 1 << 1;
  private static final int FLAG_C = 1 << 2;
  private static final int FLAG_M = 1 << 4;
  private static final int FLAG_K = 1 << 5;

  private final byte[] state;
  private int position;
  private int positionBegin;
  private int currentFlags;

  Strobe128(byte[] protocolLabel) {
    state = new byte[200];
    byte[] header = {1, (byte) (RATE + 2), 1, 0, 1, 96};
    System.arraycopy(header, 0, state, 0, header.length);
    byte[] version = "STROBEv1.0.2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(version, 0, state, 6, version.length);
    KeccakPermutation.permute(state);
    metaAd(protocolLabel, false);
  }

  private Strobe128(Strobe128 other) {
    state = other.state.clone();
    position = other.position;
    positionBegin = other.positionBegin;
    currentFlags = other.currentFlags;
  }

  Strobe128 copy() {
    return new Strobe128(this);
  }

  void metaAd(byte[] data, boolean more) {
    beginOperation(FLAG_M | FLAG_A, more);
    absorb(data);
  }

  void ad(byte[] data, boolean more) {
    beginOperation(FLAG_A, more);
    absorb(data);
  }

  void prf(byte[] out, boolean more) {
    beginOperation(FLAG_I | FLAG_A | FLAG_C, more);
    squeeze(out);
  }

  void key(byte[] data, boolean more) {
    beginOperation(FLAG_A | FLAG_C, more);
    overwrite(data);
  }

  void wipe() {
    Arrays.fill(state, (byte) 0);
  }

  private void runF() {
    state[position] ^= (byte) positionBegin;
    state[position + 1] ^= 0x04;
    state[RATE + 1] ^= (byte) 0x80;
    KeccakPermutation.permute(state);
    position = 0;
    positionBegin = 0;
  }

  private void absorb(byte[] data) {
    for (byte b : data) {
      state[position] ^= b;
      if (++position == RATE) {
        runF();
      }
    }
  }

  private void overwrite(byte[] data) {
    for (byte b : data) {
      state[position] = b;
      if (++position == RATE) {
        runF();
      }
    }
  }

  private void squeeze(byte[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = state[position];
      state[position] = 0;
      if (++position == RATE) {
        runF();
      }
    }
  }

  private void beginOperation(int flags, boolean more) {
    if (more) {
      if (currentFlags != flags) {
        throw new IllegalStateException("STROBE operation continued with different flags");
      }
      return;
    }
    int oldBegin = positionBegin;
    positionBegin = position + 1;
    currentFlags = flags;
    absorb(new byte[] {(byte) oldBegin, (byte) flags});
    boolean forceF = (flags & (FLAG_C | FLAG_K)) != 0;
    if (forceF && position != 0) {
      runF();
    }
  }
}
