package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.ValidatorSampling;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.validator.checks.JsonValues;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing rows from commit hashes picks exactly what the reference's {@code _determine_rollouts_to_check} picks. */
class RowSelectionTest {

  @Test
  void selectionFromCommitHashesMatchesTheReferenceVectors() throws Exception {
    JsonNode vectors;
    try (InputStream in = getClass().getResourceAsStream("/vectors/protocol/validator.json")) {
      vectors = new ObjectMapper().readTree(in);
    }
    int cases = 0;
    for (JsonNode testCase : vectors.get("group_sampling")) {
      List<Long> groups = new ArrayList<>();
      List<byte[]> hashes = new ArrayList<>();
      List<Object> commits = new ArrayList<>();
      for (JsonNode row : testCase.get("rows")) {
        groups.add(row.get("rollout_group").asLong());
        Object commit = JsonValues.parse(row.get("commit").toString());
        commits.add(commit);
        hashes.add(RowSelection.sha256().digest(PythonJson.dumps(commit, PythonJson.Style.COMPACT_SORTED)
            .getBytes(StandardCharsets.UTF_8)));
      }
      String hotkey = testCase.get("miner_hotkey").asText();
      Randomness randomness = Randomness.parse(testCase.get("window_rand").asText());

      ValidatorSampling.RolloutSelection ours = RowSelection.select(ValidatorTestbed.PARAMETERS, groups, hashes, hotkey, randomness);

      List<Integer> expected = new ArrayList<>();
      testCase.get("indices_to_check").forEach(index -> expected.add(index.asInt()));
      assertThat(ours.rowIndices()).containsExactlyElementsOf(expected);
      assertThat(ours).isEqualTo(ValidatorSampling.v5().rolloutsToCheck(groups, commits, hotkey, randomness));
      cases++;
    }
    assertThat(cases).isGreaterThanOrEqualTo(5);
  }
}
