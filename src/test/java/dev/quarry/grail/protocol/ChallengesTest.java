package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hex;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChallengesTest {

  private static final JsonNode VECTORS = Vectors.load("challenges.json");

  @Test
  void positionsMatchIndicesFromRootInRange() {
    Challenges challenges = Challenges.v5();
    int count = 0;
    for (JsonNode testCase : VECTORS.get("cases")) {
      long[] tokens = Vectors.longs(testCase.get("tokens"));
      assertThat(Hex.encode(Tokens.hash(tokens))).isEqualTo(testCase.get("tokens_sha256").asText());
      int prompt = testCase.get("prompt_length").asInt();
      int completion = testCase.get("completion_length").asInt();
      String randomness = testCase.get("randomness").asText();
      int[] expected = Vectors.ints(testCase.get("positions"));
      int[] positions = Challenges.positions(Tokens.hash(tokens), HexCleaning.toBytes(randomness), prompt, completion, VECTORS.get("k").asInt());
      assertThat(positions).as("prompt %d completion %d", prompt, completion).containsExactly(expected);
      if (!randomness.startsWith("0x")) {
        int[] asInts = Arrays.stream(tokens).mapToInt(t -> (int) t).toArray();
        assertThat(challenges.positions(asInts, Randomness.parse(randomness), prompt, completion)).containsExactly(expected);
      }
      count++;
    }
    assertThat(count).isEqualTo(42);
  }

  @Test
  void positionsAreSortedDistinctCompletionPositions() {
    Random random = new Random(4);
    Challenges challenges = Challenges.v5();
    for (int trial = 0; trial < 300; trial++) {
      int prompt = random.nextInt(100);
      int completion = 1 + random.nextInt(2000);
      int[] tokens = random.ints(prompt + completion, 0, 150000).toArray();
      byte[] beacon = new byte[32];
      random.nextBytes(beacon);
      int[] positions = challenges.positions(tokens, new Randomness(Hex.encode(beacon)), prompt, completion);
      assertThat(positions).hasSize(Math.min(32, completion)).isSorted().doesNotHaveDuplicates();
      for (int position : positions) {
        assertThat(position).isBetween(prompt, prompt + completion - 1);
      }
    }
  }

  @Test
  void rejectsWhatTheReferenceRejects() {
    assertThatThrownBy(() -> Challenges.v5().positions(new int[0], Randomness.parse("ab"), 0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Challenges.v5().positions(new int[] {1}, Randomness.parse("ab"), 1, 0)).isEmpty();
  }
}
