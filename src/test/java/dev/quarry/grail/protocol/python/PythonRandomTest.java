package dev.quarry.grail.protocol.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PythonRandomTest {

  private static final JsonNode VECTORS = Vectors.load("python_random.json");

  private static PythonRandom seeded(JsonNode seed) {
    return switch (seed.get("kind").asText()) {
      case "int" -> PythonRandom.fromInteger(new BigInteger(seed.get("value").asText()));
      case "bytes" -> PythonRandom.fromBytes(Vectors.hex(seed.get("hex").asText()));
      default -> PythonRandom.fromString(seed.get("value").asText());
    };
  }

  @Test
  void everySeedKindAndMethodMatchesCPython() {
    int checked = 0;
    for (JsonNode testCase : VECTORS.get("cases")) {
      PythonRandom random = seeded(testCase.get("seed"));
      String label = testCase.get("seed").toString();
      for (JsonNode expected : testCase.get("first_uint32")) {
        assertThat(random.nextUint32()).as(label).isEqualTo(expected.asLong());
      }
      JsonNode script = testCase.get("script");
      JsonNode results = testCase.get("results");
      for (int i = 0; i < script.size(); i++) {
        JsonNode op = script.get(i);
        JsonNode expected = results.get(i);
        String what = label + " " + op;
        switch (op.get(0).asText()) {
          case "getrandbits" -> assertThat(random.getRandomBitsBig(op.get(1).asInt()).toString()).as(what).isEqualTo(expected.asText());
          case "random" -> assertThat(PythonFloats.repr(random.random())).as(what).isEqualTo(expected.asText());
          case "randbelow" -> assertThat(Long.toString(random.randomBelow(op.get(1).asLong()))).as(what).isEqualTo(expected.asText());
          case "randint" -> assertThat(random.randomInteger(op.get(1).asLong(), op.get(2).asLong())).as(what).isEqualTo(expected.asLong());
          case "sample" -> assertThat(random.sampleIndices(op.get(1).asInt(), op.get(2).asInt())).as(what).containsExactly(Vectors.ints(expected));
          case "shuffle" -> {
            int[] values = new int[op.get(1).asInt()];
            for (int v = 0; v < values.length; v++) {
              values[v] = v;
            }
            random.shuffle(values);
            assertThat(values).as(what).containsExactly(Vectors.ints(expected));
          }
          default -> throw new IllegalStateException("unknown op " + op);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(500);
  }

  @Test
  void sampleTakesThePoolBranchUpTo277AndTheSetBranchAbove() {
    assertThat(PythonRandom.sampleSetSize(32)).isEqualTo(277);
    assertThat(PythonRandom.sampleSetSize(5)).isEqualTo(21);
    assertThat(PythonRandom.sampleSetSize(6)).isEqualTo(21 + 64);
    for (JsonNode run : VECTORS.get("sample_runs")) {
      PythonRandom random = PythonRandom.fromBytes(Vectors.hex(run.get("seed_hex").asText()));
      assertThat(random.sampleIndices(run.get("n").asInt(), run.get("k").asInt()))
          .as("n=%s k=%s", run.get("n"), run.get("k"))
          .containsExactly(Vectors.ints(run.get("sample")));
    }
  }

  @Test
  void samplesAreDistinctMembersOfThePopulation() {
    PythonRandom random = PythonRandom.fromLong(99);
    for (int n = 1; n < 400; n += 7) {
      for (int k : new int[] {0, 1, Math.min(n, 5), Math.min(n, 32), n}) {
        int[] picks = random.sampleIndices(n, k);
        Set<Integer> distinct = new HashSet<>();
        for (int pick : picks) {
          assertThat(pick).isBetween(0, n - 1);
          distinct.add(pick);
        }
        assertThat(distinct).hasSize(k);
      }
    }
  }

  @Test
  void shuffleIsAPermutationAndListFormsAgreeWithArrayForms() {
    int[] array = new int[100];
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      array[i] = i;
      list.add(i);
    }
    PythonRandom.fromLong(7).shuffle(array);
    PythonRandom.fromLong(7).shuffle(list);
    assertThat(list).containsExactlyElementsOf(java.util.Arrays.stream(array).boxed().toList());
    assertThat(array).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 100).toArray());
  }

  @Test
  void rejectsImpossibleRequests() {
    PythonRandom random = PythonRandom.fromLong(1);
    assertThatThrownBy(() -> random.sampleIndices(3, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> random.randomBelow(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> random.randomInteger(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unsignedSeedsAboveTheSignedRangeSeedLikeTheirIntegerValue() {
    long seed = 0xfedcba9876543210L;
    PythonRandom fromUnsigned = PythonRandom.fromUnsignedLong(seed);
    PythonRandom fromBig = PythonRandom.fromInteger(new BigInteger("fedcba9876543210", 16));
    for (int i = 0; i < 10; i++) {
      assertThat(fromUnsigned.nextUint32()).isEqualTo(fromBig.nextUint32());
    }
  }
}
