package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitBindingTest {

  private static final JsonNode VECTORS = Vectors.load("commit_binding.json");

  @Test
  void bindingDigestsAndCommitmentRenderingsMatch() {
    for (JsonNode testCase : VECTORS.get("cases")) {
      long[] tokenValues = Vectors.longs(testCase.get("tokens"));
      int[] tokens = new int[tokenValues.length];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = (int) tokenValues[i];
      }
      long[] sketches = Vectors.longs(testCase.get("sketches"));
      String randomness = testCase.get("randomness").asText();
      String model = testCase.get("model_name").asText();
      int layer = testCase.get("layer_index").asInt();

      assertThat(Hex.encode(Tokens.hash(tokenValues))).isEqualTo(testCase.get("tokens_hash").asText());
      assertThat(Commitments.compactJson(sketches)).isEqualTo(testCase.get("commitments_compact_json").asText());
      assertThat(Commitments.parquetJson(sketches)).isEqualTo(testCase.get("commitments_parquet_json").asText());
      assertThat(Hex.encode(Commitments.hash(sketches))).isEqualTo(testCase.get("commitments_hash").asText());

      List<Object> parsed = new ArrayList<>();
      for (long sketch : sketches) {
        parsed.add(Map.of("sketch", sketch));
      }
      assertThat(Hex.encode(Commitments.hashParsed(parsed))).isEqualTo(testCase.get("commitments_hash").asText());

      String expected = testCase.get("binding_digest").asText();
      assertThat(Hex.encode(CommitBinding.digest(tokens, randomness, model, layer, Commitments.hash(sketches))))
          .isEqualTo(expected);
      if (!randomness.startsWith("0x")) {
        Randomness beacon = Randomness.parse(randomness);
        assertThat(Commitments.beaconParquetJson(beacon)).isEqualTo(testCase.get("beacon_parquet_json").asText());
        assertThat(Hex.encode(CommitBinding.digest(tokens, beacon, model, layer, sketches))).isEqualTo(expected);
      }
    }
  }

  @Test
  void completionDigestsMatchScorerAndCopycatForms() {
    for (JsonNode testCase : VECTORS.get("completion_digests")) {
      int[] tokens = Vectors.ints(testCase.get("tokens"));
      int prompt = testCase.get("prompt_length").asInt();
      String digest = CompletionDigest.hex(tokens, prompt);
      assertThat(digest).isEqualTo(testCase.get("scorer_digest").asText());
      if (!testCase.get("digest").isNull()) {
        assertThat(digest).isEqualTo(testCase.get("digest").asText());
      } else {
        assertThat(tokens).isEmpty();
      }
    }
  }
}
