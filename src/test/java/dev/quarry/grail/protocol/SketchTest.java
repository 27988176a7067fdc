package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SketchTest {

  private static final JsonNode VECTORS = Vectors.load("sketch.json");
  private final Sketch sketch = Sketch.v5();

  @Test
  void coefficientsMatchGenerateRVecIncludingInt16Min() {
    for (JsonNode testCase : VECTORS.get("coefficients")) {
      byte[] beaconBytes = HexCleaning.toBytes(testCase.get("randomness").asText());
      assertThat(sketch.coefficients(beaconBytes)).as(testCase.get("randomness").asText())
          .containsExactly(Vectors.ints(testCase.get("coefficients")));
    }
    JsonNode special = VECTORS.get("int16_min_case");
    int index = special.get("coefficient_index").asInt();
    byte[] raw = Prf.derive(Prf.LABEL_SKETCH, 32, Vectors.hex(special.get("randomness").asText()));
    assertThat(raw[2 * index]).isEqualTo((byte) 0x80);
    assertThat(raw[2 * index + 1]).isEqualTo((byte) 0x00);
    // numpy: abs(int16(-32768)) stays -32768, and -32768 % 255 = 127, so the coefficient is 0 (not 1).
    assertThat(sketch.coefficients(Randomness.parse(special.get("randomness").asText()))[index]).isZero();
  }

  @Test
  void coefficientsStayInRange() {
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      byte[] beacon = new byte[32];
      random.nextBytes(beacon);
      for (int coefficient : sketch.coefficients(beacon)) {
        assertThat(coefficient).isBetween(-127, 127);
      }
    }
  }

  @Test
  void bucketsMatchIncludingFloat32BoundariesAndSpecialValues() {
    for (JsonNode testCase : VECTORS.get("buckets")) {
      float value = Float.intBitsToFloat((int) testCase.get("value_bits").asLong());
      assertThat(sketch.bucket(value)).as(testCase.get("value").asText()).isEqualTo(testCase.get("bucket").asInt());
    }
    for (JsonNode threshold : VECTORS.get("bucket_thresholds")) {
      int bucket = threshold.get("bucket").asInt();
      float at = Float.intBitsToFloat((int) threshold.get("threshold_bits").asLong());
      float below = Float.intBitsToFloat((int) threshold.get("below_bits").asLong());
      assertThat(sketch.bucket(at)).isEqualTo(bucket);
      assertThat(sketch.bucket(below)).isEqualTo(bucket - 1);
      assertThat(sketch.bucket(-at)).isEqualTo(-bucket);
    }
  }

  @Test
  void bucketsAreOddMonotoneAndBounded() {
    Random random = new Random(11);
    for (int i = 0; i < 100000; i++) {
      float a = Math.abs(Float.intBitsToFloat(random.nextInt()));
      float b = Math.abs(Float.intBitsToFloat(random.nextInt()));
      if (Float.isNaN(a) || Float.isNaN(b)) {
        continue;
      }
      int bucketA = sketch.bucket(a);
      assertThat(bucketA).isBetween(0, 7);
      assertThat(sketch.bucket(-a)).isEqualTo(-bucketA);
      if (a <= b) {
        assertThat(bucketA).isLessThanOrEqualTo(sketch.bucket(b));
      }
    }
  }

  @Test
  void singleRowCommitmentsMatchTheReference() {
    int negativeDots = 0;
    for (JsonNode testCase : VECTORS.get("rows")) {
      if (testCase.get("sketch").asLong() > 2_147_483_647L / 2) {
        negativeDots++; // a negative dot product wrapped by Python's non-negative modulo
      }
      int[] coefficients = sketch.coefficients(HexCleaning.toBytes(testCase.get("randomness").asText()));
      float[] row = Vectors.float32(testCase.get("row_f32le_hex").asText());
      assertThat(row).hasSize(testCase.get("hidden_size").asInt());
      assertThat(sketch.commit(row, coefficients))
          .as("%s row of %d", testCase.get("kind").asText(), row.length)
          .isEqualTo(testCase.get("sketch").asLong());
    }
    assertThat(negativeDots).isGreaterThan(5);
  }

  @Test
  void batchCommitmentsMatchAndReadRowMajorWithoutCopies() {
    for (JsonNode testCase : VECTORS.get("batches")) {
      int positions = testCase.get("positions").asInt();
      int hidden = testCase.get("hidden_size").asInt();
      float[] matrix = Vectors.float32(testCase.get("matrix_f32le_hex").asText());
      int[] coefficients = sketch.coefficients(HexCleaning.toBytes(testCase.get("randomness").asText()));
      assertThat(sketch.commitAll(matrix, positions, hidden, coefficients)).containsExactly(Vectors.longs(testCase.get("sketches")));
    }
  }

  @Test
  void topKTiesGoToTheLowestIndices() {
    float[] row = new float[40];
    for (int i = 0; i < row.length; i++) {
      row[i] = (i % 2 == 0 ? 1 : -1) * 2.0f; // every magnitude tied
    }
    assertThat(sketch.topIndices(row, 0, row.length)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    row[30] = 3.0f;
    row[35] = Float.NaN; // NaN ranks above every number, as in torch.topk
    int[] top = sketch.topIndices(row, 0, row.length);
    assertThat(top).contains(30, 35).doesNotContain(14, 15);
  }

  @Test
  void sketchIsInvariantToEntriesOutsideTheTopK() {
    Random random = new Random(21);
    int[] coefficients = sketch.coefficients(new byte[] {1, 2, 3});
    for (int trial = 0; trial < 200; trial++) {
      float[] row = new float[128];
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (random.nextGaussian() * 4);
      }
      long before = sketch.commit(row, coefficients);
      int[] top = sketch.topIndices(row, 0, row.length);
      float smallestTop = Float.MAX_VALUE;
      for (int index : top) {
        smallestTop = Math.min(smallestTop, Math.abs(row[index]));
      }
      for (int i = 0; i < row.length; i++) {
        if (java.util.Arrays.binarySearch(top, i) < 0) {
          row[i] = Math.signum(row[i]) * smallestTop * 0.5f;
        }
      }
      assertThat(sketch.commit(row, coefficients)).isEqualTo(before);
      assertThat(before).isBetween(0L, 2_147_483_646L);
    }
  }

  @Test
  void rejectsRowsShorterThanTopK() {
    assertThatThrownBy(() -> sketch.commit(new float[15], new int[16])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sketch.commitAll(new float[10], 1, 16, new int[16])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tolerancesAndVerificationsMatch() {
    SketchTolerance tolerance = SketchTolerance.v5();
    for (JsonNode testCase : VECTORS.get("tolerances")) {
      assertThat(tolerance.tolerance(testCase.get("position").asLong())).isEqualTo(testCase.get("tolerance").asLong());
    }
    JsonNode rows = VECTORS.get("rows");
    for (JsonNode testCase : VECTORS.get("verifications")) {
      JsonNode row = rows.get(testCase.get("row_index").asInt());
      int[] coefficients = sketch.coefficients(HexCleaning.toBytes(row.get("randomness").asText()));
      long validatorSketch = sketch.commit(Vectors.float32(row.get("row_f32le_hex").asText()), coefficients);
      assertThat(validatorSketch).isEqualTo(testCase.get("validator_sketch").asLong());
      long miner = testCase.get("miner_sketch").asLong();
      long position = testCase.get("position").asLong();
      assertThat(tolerance.distance(validatorSketch, miner)).isEqualTo(testCase.get("distance").asLong());
      assertThat(tolerance.accepts(validatorSketch, miner, position)).as(testCase.toString()).isEqualTo(testCase.get("valid").asBoolean());
    }
  }

  @Test
  void toleranceGrowsMonotonically() {
    SketchTolerance tolerance = SketchTolerance.v5();
    long previous = tolerance.tolerance(0);
    assertThat(previous).isEqualTo(6000);
    for (long position = 1; position < 20000; position++) {
      long current = tolerance.tolerance(position);
      assertThat(current).isGreaterThanOrEqualTo(previous);
      previous = current;
    }
    assertThat(tolerance.tolerance(8192)).isEqualTo(6452);
  }

  @Test
  void modularDistanceIsSymmetricAndWraps() {
    SketchTolerance tolerance = SketchTolerance.v5();
    long q = 2_147_483_647L;
    Random random = new Random(8);
    for (int i = 0; i < 10000; i++) {
      long a = Math.floorMod(random.nextLong(), q);
      long b = Math.floorMod(random.nextLong(), q);
      long distance = tolerance.distance(a, b);
      assertThat(distance).isEqualTo(tolerance.distance(b, a)).isBetween(0L, q / 2);
    }
    assertThat(tolerance.distance(0, q - 1)).isEqualTo(1);
  }
}
