package dev.quarry.grail.protocol.python;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * CPython's {@code random.Random}: MT19937 seeded exactly as CPython seeds it (integers through
 * {@code init_by_array} over the absolute value's 32-bit words; bytes and str through seed version
 * 2, i.e. the integer {@code int.from_bytes(a + sha512(a).digest(), "big")}), and the methods the
 * Grail protocol calls — {@code getrandbits}, {@code _randbelow}, {@code random}, {@code randint},
 * {@code sample} (both the pool and the set branch) and {@code shuffle} — consuming the generator in
 * exactly CPython's order.
 *
 * <p>Not thread-safe; one instance per derivation, as in the reference.
 */
public final class PythonRandom {

  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int index = N + 1;

  private PythonRandom(int[] key) {
    initByArray(key);
  }

  /** {@code random.Random(n)} for an integer seed (CPython uses {@code abs(n)}). */
  public static PythonRandom fromInteger(BigInteger seed) {
    return new PythonRandom(keyWords(seed.abs()));
  }

  /** {@code random.Random(n)} for an integer seed. */
  public static PythonRandom fromLong(long seed) {
    return fromInteger(BigInteger.valueOf(seed));
  }

  /** {@code random.Random(n)} where {@code n} is an unsigned 64-bit value held in a long. */
  public static PythonRandom fromUnsignedLong(long seed) {
    return fromInteger(new BigInteger(Long.toUnsignedString(seed)));
  }

  /** {@code random.Random(b)} for a bytes seed (seed version 2). */
  public static PythonRandom fromBytes(byte[] seed) {
    byte[] digest = sha512(seed);
    byte[] material = Arrays.copyOf(seed, seed.length + digest.length);
    System.arraycopy(digest, 0, material, seed.length, digest.length);
    return fromInteger(new BigInteger(1, material));
  }

  /** {@code random.Random(s)} for a str seed: its UTF-8 bytes, then as {@link #fromBytes}. */
  public static PythonRandom fromString(String seed) {
    return fromBytes(seed.getBytes(StandardCharsets.UTF_8));
  }

  /** The next raw 32-bit output ({@code genrand_uint32}), as an unsigned value. */
  public long nextUint32() {
    return Integer.toUnsignedLong(nextInt());
  }

  /** {@code getrandbits(k)} for {@code 0 <= k <= 63}. */
  public long getRandomBits(int bits) {
    if (bits < 0 || bits > 63) {
      throw new IllegalArgumentException("bits must be in [0, 63], got " + bits);
    }
    if (bits == 0) {
      return 0L;
    }
    if (bits <= 32) {
      return Integer.toUnsignedLong(nextInt()) >>> (32 - bits);
    }
    long low = Integer.toUnsignedLong(nextInt());
    long high = Integer.toUnsignedLong(nextInt()) >>> (64 - bits);
    return (high << 32) | low;
  }

  /** {@code getrandbits(k)} for any {@code k >= 0}: words fill from the least significant end. */
  public BigInteger getRandomBitsBig(int bits) {
    if (bits < 0) {
      throw new IllegalArgumentException("bits must be non-negative, got " + bits);
    }
    if (bits <= 32) {
      return BigInteger.valueOf(getRandomBits(bits));
    }
    BigInteger result = BigInteger.ZERO;
    int remaining = bits;
    int shift = 0;
    while (remaining > 0) {
      long word = Integer.toUnsignedLong(nextInt());
      if (remaining < 32) {
        word >>>= (32 - remaining);
      }
      result = result.or(BigInteger.valueOf(word).shiftLeft(shift));
      shift += 32;
      remaining -= 32;
    }
    return result;
  }

  /** {@code _randbelow(n)}: rejection sampling on {@code n.bit_length()} bits, {@code n > 0}. */
  public long randomBelow(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int bits = 64 - Long.numberOfLeadingZeros(bound);
    long candidate = getRandomBits(bits);
    while (candidate >= bound) {
      candidate = getRandomBits(bits);
    }
    return candidate;
  }

  /** {@code random()}: 53 random bits scaled into [0, 1). */
  public double random() {
    long high = Integer.toUnsignedLong(nextInt()) >>> 5;
    long low = Integer.toUnsignedLong(nextInt()) >>> 6;
    return (high * 67108864.0 + low) * (1.0 / 9007199254740992.0);
  }

  /** {@code randint(a, b)}: {@code a + _randbelow(b - a + 1)}. */
  public long randomInteger(long lowInclusive, long highInclusive) {
    if (highInclusive < lowInclusive) {
      throw new IllegalArgumentException("empty range for randint(" + lowInclusive + ", " + highInclusive + ")");
    }
    return lowInclusive + randomBelow(highInclusive - lowInclusive + 1);
  }

  /**
   * {@code sample(range(n), k)} as indices. CPython keeps a pool list when {@code n} is no bigger
   * than a k-element set ({@code setsize}) and otherwise draws with rejection against a set; the
   * two branches consume the generator differently, so both are reproduced.
   */
  public int[] sampleIndices(int populationSize, int count) {
    if (count < 0 || count > populationSize) {
      throw new IllegalArgumentException("Sample larger than population or is negative");
    }
    int[] result = new int[count];
    if (populationSize <= sampleSetSize(count)) {
      int[] pool = new int[populationSize];
      for (int i = 0; i < populationSize; i++) {
        pool[i] = i;
      }
      for (int i = 0; i < count; i++) {
        int j = (int) randomBelow(populationSize - i);
        result[i] = pool[j];
        pool[j] = pool[populationSize - i - 1];
      }
    } else {
      Set<Integer> selected = new HashSet<>();
      for (int i = 0; i < count; i++) {
        int j = (int) randomBelow(populationSize);
        while (selected.contains(j)) {
          j = (int) randomBelow(populationSize);
        }
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  /** {@code sample(population, k)} over a list. */
  public <T> List<T> sample(List<T> population, int count) {
    Objects.requireNonNull(population, "population");
    int[] picks = sampleIndices(population.size(), count);
    List<T> result = new ArrayList<>(count);
    for (int pick : picks) {
      result.add(population.get(pick));
    }
    return result;
  }

  /** {@code shuffle(x)} in place. */
  public void shuffle(int[] values) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = (int) randomBelow(i + 1L);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** {@code shuffle(x)} in place over a list. */
  public <T> void shuffle(List<T> values) {
    for (int i = values.size() - 1; i > 0; i--) {
      int j = (int) randomBelow(i + 1L);
      T swap = values.get(i);
      values.set(i, values.get(j));
      values.set(j, swap);
    }
  }

  /**
   * CPython's threshold between sample()'s branches: {@code 21 + 4 ** ceil(log(3k, 4))} for
   * {@code k > 5}. Computed in integers: {@code 3k} is never a power of four, so the ceiling is
   * the smallest {@code m} with {@code 4^m >= 3k}.
   */
  static long sampleSetSize(int count) {
    long setSize = 21;
    if (count > 5) {
      long power = 1;
      long target = 3L * count;
      while (power < target) {
        power *= 4;
      }
      setSize += power;
    }
    return setSize;
  }

  private int nextInt() {
    if (index >= N) {
      twist();
    }
    int y = state[index++];
    y ^= (y >>> 11);
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= (y >>> 18);
    return y;
  }

  private void twist() {
    int kk;
    int y;
    for (kk = 0; kk < N - M; kk++) {
      y = (state[kk] & UPPER_MASK) | (state[kk + 1] & LOWER_MASK);
      state[kk] = state[kk + M] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      y = (state[kk] & UPPER_MASK) | (state[kk + 1] & LOWER_MASK);
      state[kk] = state[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    }
    y = (state[N - 1] & UPPER_MASK) | (state[0] & LOWER_MASK);
    state[N - 1] = state[M - 1] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    index = 0;
  }

  private void initGenrand(int seed) {
    state[0] = seed;
    for (int i = 1; i < N; i++) {
      state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        state[0] = state[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        state[0] = state[N - 1];
        i = 1;
      }
    }
    state[0] = 0x80000000;
  }

  /** The little-endian 32-bit words of a non-negative integer; zero becomes the single word 0. */
  private static int[] keyWords(BigInteger value) {
    int bits = value.bitLength();
    int words = bits == 0 ? 1 : (bits - 1) / 32 + 1;
    int[] key = new int[words];
    for (int w = 0; w < words; w++) {
      key[w] = value.shiftRight(32 * w).intValue();
    }
    return key;
  }

  private static byte[] sha512(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(data);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-512 is required by every Java platform", impossible);
    }
  }
}
