package dev.quarry.crypto;

/**
 * The bare Keccak-f[1600] permutation over a 200-byte state (lanes little-endian), which STROBE
 * needs and which hash libraries do not expose on its own.
 */
final class KeccakPermutation {

  private static final long[] ROUND_CONSTANTS = {
    0x0000000000000001L, 0x0000000000008082L, 0x800000000000808aL, 0x8000000080008000L,
    0x000000000000808bL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
    0x000000000000008aL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000aL,
    0x000000008000808bL, 0x800000000000008bL, 0x8000000000008089L, 0x8000000000008003L,
    0x8000000000008002L, 0x8000000000000080L, 0x000000000000800aL, 0x800000008000000aL,
    0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L
  };

  // Rho offsets and pi destinations in the order of the classic "lane walk" from lane 1.
  private static final int[] RHO = {
    1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44
  };
  private static final int[] PI = {
    10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1
  };

  private KeccakPermutation() {}

  /** Applies Keccak-f[1600] in place to a 200-byte state. */
  static void permute(byte[] state) {
    long[] lanes = new long[25];
    for (int i = 0; i < 25; i++) {
      long lane = 0;
      for (int b = 7; b >= 0; b--) {
        lane = (lane << 8) | (state[8 * i + b] & 0xffL);
      }
      lanes[i] = lane;
    }
    permute(lanes);
    for (int i = 0; i < 25; i++) {
      long lane = lanes[i];
      for (int b = 0; b < 8; b++) {
        state[8 * i + b] = (byte) lane;
        lane >>>= 8;
      }
    }
  }

  static void permute(long[] a) {
    long[] c = new long[5];
    for (int round = 0; round < 24; round++) {
      // theta
      for (int x = 0; x < 5; x++) {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5) {
          a[y + x] ^= d;
        }
      }
      // rho and pi
      long current = a[1];
      for (int i = 0; i < 24; i++) {
        int destination = PI[i];
        long saved = a[destination];
        a[destination] = Long.rotateLeft(current, RHO[i]);
        current = saved;
      }
      // chi
      for (int y = 0; y < 25; y += 5) {
        long a0 = a[y], a1 = a[y + 1], a2 = a[y + 2], a3 = a[y + 3], a4 = a[y + 4];
        a[y] = a0 ^ (~a1 & a2);
        a[y + 1] = a1 ^ (~a2 & a3);
        a[y + 2] = a2 ^ (~a3 & a4);
        a[y + 3] = a3 ^ (~a4 & a0);
        a[y + 4] = a4 ^ (~a0 & a1);
      }
      // iota
      a[0] ^= ROUND_CONSTANTS[round];
    }
  }
}
