package dev.quarry.grail.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The GRAIL v5 hidden-state commitment ({@code grail/protocol/grail_verifier.py}). For each token
 * position: take the {@code topK} largest-magnitude entries of the last hidden state, in ascending
 * index order; map each to a signed log-magnitude bucket; the sketch is the dot product with small
 * coefficients drawn from the beacon, taken modulo {@code primeQ} (Python's non-negative modulo).
 *
 * <p>Top-k ties: where several entries share the magnitude at the k-th place, the lowest indices
 * win — what CUDA's {@code torch.topk} (the validators' GPUs) does; the reference's CPU path breaks
 * such ties in heap order instead. NaN ranks above every number, as in {@code torch.topk}. Ties only
 * move a sketch within the verifier's tolerance envelope when the tied entries fall in the same
 * bucket, which is why the protocol tolerates them.
 *
 * <p>Hidden rows are {@code float} (the proof model's bf16 outputs widened, or fp32), as the
 * reference converts them to Python floats.
 */
public final class Sketch {

  private final int topK;
  private final int bucketsPerSign;
  private final int coefficientRange;
  private final long primeQ;
  private final double scaleFactor;

  public Sketch(ProtocolParameters.Proof proof) {
    this.topK = proof.topK();
    this.bucketsPerSign = proof.bucketsPerSign();
    this.coefficientRange = proof.coefficientRange();
    this.primeQ = proof.primeQ();
    this.scaleFactor = bucketsPerSign / 10.0;
  }

  /** The live v5 sketch (top-16, 8 buckets per sign, coefficients in [-127, 127], q = 2^31 - 1). */
  public static Sketch v5() {
    return new Sketch(ProtocolParameters.v5().proof());
  }

  public int topK() {
    return topK;
  }

  /** The coefficient vector for a beacon ({@code GRAILVerifier.generate_r_vec}). */
  public int[] coefficients(Randomness beacon) {
    return coefficients(beacon.bytes());
  }

  /**
   * The coefficient vector for beacon bytes: {@code PRF("sketch", bytes, 2·topK)} read as big-endian
   * int16 {@code v}, then {@code (|v| mod (2R+1)) - R} in numpy int16 arithmetic — where
   * {@code |−32768|} stays −32768 and the floor-mod makes its coefficient 0.
   */
  public int[] coefficients(byte[] beaconBytes) {
    byte[] raw = Prf.derive(Prf.LABEL_SKETCH, 2 * topK, beaconBytes);
    int modulus = 2 * coefficientRange + 1;
    int[] coefficients = new int[topK];
    for (int i = 0; i < topK; i++) {
      short value = (short) (((raw[2 * i] & 0xff) << 8) | (raw[2 * i + 1] & 0xff));
      int magnitude = value == Short.MIN_VALUE ? Short.MIN_VALUE : Math.abs(value);
      coefficients[i] = Math.floorMod(magnitude, modulus) - coefficientRange;
    }
    return coefficients;
  }

  /**
   * The signed log-magnitude bucket of one activation ({@code log_magnitude_bucket}): 0 for NaN and
   * for |x| below 1e-6, ±(buckets − 1) for ±infinity, otherwise {@code int(log2(|x| + 1) · B/10)}
   * clamped to [0, B − 1] with the sign of x.
   */
  public int bucket(float value) {
    if (Float.isNaN(value)) {
      return 0;
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? bucketsPerSign - 1 : -(bucketsPerSign - 1);
    }
    double magnitude = Math.abs((double) value);
    if (magnitude < 1e-6) {
      return 0;
    }
    int bucket = (int) (log2(magnitude + 1.0) * scaleFactor);
    bucket = Math.max(0, Math.min(bucketsPerSign - 1, bucket));
    return value >= 0 ? bucket : -bucket;
  }

  /** The sketch of one position. */
  public long commit(float[] row, int[] coefficients) {
    return commit(row, 0, row.length, coefficients);
  }

  /** The sketch of the position whose hidden state is {@code data[offset .. offset + hiddenSize)}. */
  public long commit(float[] data, int offset, int hiddenSize, int[] coefficients) {
    requireCoefficients(coefficients);
    int[] indices = topIndices(data, offset, hiddenSize);
    long dot = 0;
    for (int j = 0; j < topK; j++) {
      dot += (long) bucket(data[offset + indices[j]]) * coefficients[j];
    }
    return Math.floorMod(dot, primeQ);
  }

  /**
   * Sketches for every position of a row-major {@code positions × hiddenSize} block — the model's
   * last-hidden-state output fed as is ({@code create_commitments_batch}).
   */
  public long[] commitAll(float[] rowMajor, int positions, int hiddenSize, int[] coefficients) {
    Objects.requireNonNull(rowMajor, "rowMajor");
    if ((long) positions * hiddenSize > rowMajor.length) {
      throw new IllegalArgumentException(
          "hidden states hold " + rowMajor.length + " values, fewer than " + positions + " × " + hiddenSize);
    }
    long[] sketches = new long[positions];
    for (int p = 0; p < positions; p++) {
      sketches[p] = commit(rowMajor, p * hiddenSize, hiddenSize, coefficients);
    }
    return sketches;
  }

  /**
   * Indices of the {@code topK} largest |x| in {@code data[offset .. offset + hiddenSize)}, relative
   * to {@code offset}, in ascending order (v3+ order invariance).
   */
  public int[] topIndices(float[] data, int offset, int hiddenSize) {
    if (hiddenSize < topK) {
      throw new IllegalArgumentException("hidden size " + hiddenSize + " is smaller than top-k " + topK);
    }
    if (offset < 0 || offset + hiddenSize > data.length) {
      throw new IllegalArgumentException("row [" + offset + ", " + (offset + hiddenSize) + ") is outside the data");
    }
    // best[0..topK) ordered by rank descending, then index ascending.
    int[] bestIndex = new int[topK];
    int[] bestRank = new int[topK];
    int filled = 0;
    for (int i = 0; i < hiddenSize; i++) {
      int rank = rank(data[offset + i]);
      if (filled == topK && rank <= bestRank[topK - 1]) {
        continue;
      }
      int position = filled == topK ? topK - 1 : filled;
      while (position > 0 && bestRank[position - 1] < rank) {
        bestRank[position] = bestRank[position - 1];
        bestIndex[position] = bestIndex[position - 1];
        position--;
      }
      bestRank[position] = rank;
      bestIndex[position] = i;
      if (filled < topK) {
        filled++;
      }
    }
    Arrays.sort(bestIndex);
    return bestIndex;
  }

  /** Orders magnitudes as torch.topk on |x| does: by |x|, NaN above everything. */
  private static int rank(float value) {
    if (Float.isNaN(value)) {
      return Integer.MAX_VALUE;
    }
    return Float.floatToRawIntBits(value) & 0x7fffffff;
  }

  private void requireCoefficients(int[] coefficients) {
    if (coefficients.length != topK) {
      throw new IllegalArgumentException("expected " + topK + " coefficients, got " + coefficients.length);
    }
  }

  private static final double LN_2 = Math.log(2.0);

  /**
   * log2 as C's {@code log2} where it matters: exact on powers of two (|x| = 31 sits exactly on the
   * bucket-4 boundary), and within an ulp elsewhere, where no float32 input lies near a boundary.
   */
  static double log2(double value) {
    long bits = Double.doubleToRawLongBits(value);
    if ((bits & 0x000fffffffffffffL) == 0 && value >= Double.MIN_NORMAL) {
      return Math.getExponent(value);
    }
    return Math.log(value) / LN_2;
  }
}
