package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatorSamplingTest {

  private static final JsonNode VECTORS = Vectors.load("validator.json");
  private final ValidatorSampling sampling = ValidatorSampling.v5();

  @Test
  void minerSampleSizesMatch() {
    for (JsonNode testCase : VECTORS.get("sample_sizes")) {
      assertThat(sampling.minerSampleSize(testCase.get("active").asInt())).isEqualTo(testCase.get("sample_size").asInt());
    }
  }

  @Test
  void minerSelectionMatches() {
    for (JsonNode testCase : VECTORS.get("selections")) {
      List<String> active = new ArrayList<>();
      testCase.get("active").forEach(node -> active.add(node.asText()));
      Map<String, Integer> counts = new HashMap<>();
      testCase.get("selection_counts").fields().forEachRemaining(entry -> counts.put(entry.getKey(), entry.getValue().asInt()));
      List<String> expected = new ArrayList<>();
      testCase.get("selected").forEach(node -> expected.add(node.asText()));
      assertThat(sampling.selectMiners(active, new BlockHash(testCase.get("window_hash").asText()), counts))
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void rolloutSelectionMatchesDetermineRolloutsToCheck() {
    for (JsonNode testCase : VECTORS.get("group_sampling")) {
      List<Long> groups = new ArrayList<>();
      List<Object> commits = new ArrayList<>();
      JsonNode rows = testCase.get("rows");
      for (int i = 0; i < rows.size(); i++) {
        JsonNode row = rows.get(i);
        groups.add(row.get("rollout_group").asLong());
        Object commit = Vectors.plain(row.get("commit"));
        commits.add(commit);
        // The per-row canonical JSON (Python floats included) must hash identically.
        assertThat(Hex.encode(Hashing.sha256(
            dev.quarry.grail.protocol.python.PythonJson.dumps(commit, dev.quarry.grail.protocol.python.PythonJson.Style.COMPACT_SORTED))))
            .isEqualTo(testCase.get("commit_compact_json_sha256").get(i).asText());
      }
      ValidatorSampling.RolloutSelection selection = sampling.rolloutsToCheck(
          groups, commits, testCase.get("miner_hotkey").asText(), Randomness.parse(testCase.get("window_rand").asText()));
      assertThat(selection.rowIndices()).as("%d rows", rows.size()).containsExactlyElementsOf(Vectors.intList(testCase.get("indices_to_check")));
      assertThat(selection.checkedAll()).isEqualTo(rows.size() <= 20);
      if (!selection.checkedAll()) {
        assertThat(selection.rowIndices()).hasSize(16 * selection.groups().size());
        assertThat(selection.groups().size()).isBetween(1, 4);
      }
    }
  }

  @Test
  void scoringEstimatesMatch() {
    for (JsonNode testCase : VECTORS.get("scoring")) {
      JsonNode metrics = testCase.get("metrics");
      long checked = testCase.get("checked").asLong();
      long total = testCase.get("total").asLong();
      assertThat(MinerScoring.estimate(metrics.get("valid").asLong(), checked, total)).isEqualTo(metrics.get("estimated_valid").asLong());
      assertThat(MinerScoring.estimate(metrics.get("unique").asLong(), checked, total)).isEqualTo(metrics.get("estimated_unique").asLong());
      assertThat(MinerScoring.estimate(metrics.get("successful").asLong(), checked, total))
          .isEqualTo(metrics.get("estimated_successful").asLong());
    }
  }
}
