package dev.quarry.validator.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.validator.Estimates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The checks against one-covenant/grail v0.0.60's own validator code run on the same inputs
 * (vectors/validator/validator_checks.json): copycat tracking over several windows and intervals,
 * distribution statistics and verdicts, log-probability deviations, the reward tolerance, soft-gate
 * cutoffs, termination, the Pydantic schema, the file structure check, the estimates, and the
 * commit dicts of a file written by the reference's writer.
 */
class ReferenceChecksTest {

  private static final JsonNode VECTORS = load("/vectors/validator/validator_checks.json");
  private static final ProtocolParameters V5 = ProtocolParameters.v5();

  private static JsonNode load(String resource) {
    try (InputStream in = ReferenceChecksTest.class.getResourceAsStream(resource)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException failure) {
      throw new IllegalStateException(failure);
    }
  }

  private static double number(JsonNode node) {
    return PythonFloats.parse(node.asText());
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) number(array.get(i));
    }
    return values;
  }

  @Test
  void copycatTrackingMatchesTheReferenceTracker() {
    int scenarios = 0;
    for (JsonNode scenario : VECTORS.get("copycat")) {
      CopycatTracker tracker = new CopycatTracker();
      for (int w = 0; w < scenario.get("windows").size(); w++) {
        JsonNode window = scenario.get("windows").get(w);
        tracker.resetInterval(window.get("interval").asLong());
        Map<String, CopycatTracker.Submission> submissions = new LinkedHashMap<>();
        window.get("submissions").fields().forEachRemaining(entry -> {
          Map<String, Integer> digests = new HashMap<>();
          entry.getValue().get("digests").fields().forEachRemaining(d -> digests.put(d.getKey(), d.getValue().asInt()));
          JsonNode time = entry.getValue().get("upload_time");
          submissions.put(entry.getKey(), new CopycatTracker.Submission(digests, entry.getValue().get("total").asInt(),
              time.isNull() ? null : time.asDouble()));
        });
        CopycatTracker.Result result = tracker.ingest(window.get("window").asLong(), submissions);
        JsonNode expected = scenario.get("results").get(w);
        String where = scenario.get("name").asText() + " window " + w;
        assertThat(new TreeSet<>(result.windowCheaters())).as(where).containsExactlyElementsOf(texts(expected.get("window_cheaters")));
        assertThat(new TreeSet<>(result.intervalCheaters())).as(where)
            .containsExactlyElementsOf(texts(expected.get("interval_cheaters")));
        List<String> actual = new ArrayList<>();
        for (CopycatTracker.Violation v : result.violations()) {
          actual.add(v.scope().key() + " " + v.minerA() + " " + v.minerB() + " " + v.shared() + "/" + v.denominator() + " "
              + PythonFloats.repr(v.ratio()) + " " + v.copier() + " " + v.victim());
        }
        List<String> wanted = new ArrayList<>();
        for (JsonNode v : expected.get("violations")) {
          wanted.add(v.get("scope").asText() + " " + v.get("miner_a").asText() + " " + v.get("miner_b").asText() + " "
              + v.get("shared").asLong() + "/" + v.get("denominator").asLong() + " " + v.get("ratio").asText() + " "
              + (v.get("copier").isNull() ? null : v.get("copier").asText()) + " "
              + (v.get("victim").isNull() ? null : v.get("victim").asText()));
        }
        assertThat(actual).as(where).containsExactlyInAnyOrderElementsOf(wanted);
      }
      scenarios++;
    }
    assertThat(scenarios).isEqualTo(12);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  @Test
  void tokenDistributionStatisticsAndVerdictsMatch() {
    TokenDistributionCheck check = new TokenDistributionCheck(TokenDistributionCheck.Thresholds.v5());
    int compared = 0;
    for (JsonNode testCase : VECTORS.get("distribution")) {
      float[] probabilities = floats(testCase.get("probs"));
      RowUnderTest row = TestRows.parsed(TestRows.row(new int[40], "[]", "{}", 1, 39, new float[0]));
      CheckResult result = check.check(row, probabilities);
      if (testCase.get("insufficient").asBoolean()) {
        assertThat(result.passed()).isFalse();
        assertThat(result.rejection().reason()).startsWith("only " + probabilities.length + " completion steps");
        continue;
      }
      String where = testCase.get("shape").asText() + " n=" + probabilities.length;
      assertThat(PythonFloats.repr((double) result.measures().get("distribution_median"))).as(where)
          .isEqualTo(testCase.get("median").asText());
      assertThat(PythonFloats.repr((double) result.measures().get("distribution_q10"))).as(where)
          .isEqualTo(testCase.get("q10").asText());
      assertThat(PythonFloats.repr((double) result.measures().get("distribution_min"))).as(where)
          .isEqualTo(testCase.get("min").asText());
      assertThat(PythonFloats.repr((double) result.measures().get("distribution_initial_q10"))).as(where)
          .isEqualTo(testCase.get("initial_q10").asText());
      assertThat(result.passed()).as(where).isEqualTo(!testCase.get("suspicious").asBoolean());
      compared++;
    }
    assertThat(compared).isGreaterThan(50);
  }

  @Test
  void logprobDeviationsMatch() {
    LogprobCheck check = new LogprobCheck(32, V5.rollouts().logprobMedianDeviation());
    int prompt = 100;
    int[] positions = new int[32];
    for (int i = 0; i < 32; i++) {
      positions[i] = prompt + i;
    }
    for (JsonNode testCase : VECTORS.get("logprobs")) {
      float[] model = floats(testCase.get("model"));
      float[] claimed = floats(testCase.get("claimed"));
      float[] tokenLogprobs = new float[prompt + 32];
      System.arraycopy(claimed, 0, tokenLogprobs, prompt, 32);
      RowUnderTest row = TestRows.parsed(TestRows.row(new int[prompt + 32], "[]", "{}", prompt, 32, tokenLogprobs));
      CheckResult result = check.check(row, positions, model);
      assertThat(result.passed()).isEqualTo(testCase.get("valid").asBoolean());
      if (!testCase.get("median").isNull()) {
        assertThat(PythonFloats.repr((double) result.measures().get("logprob_median_deviation")))
            .isEqualTo(testCase.get("median").asText());
      } else {
        assertThat(result.rejection().reason()).contains("exp overflows");
      }
    }
  }

  @Test
  void rewardToleranceMatchesMathIsclose() {
    RewardCheck check = new RewardCheck(V5.rollouts().rewardRelativeTolerance(), V5.rollouts().rewardAbsoluteTolerance());
    for (JsonNode testCase : VECTORS.get("reward")) {
      RolloutRow row = TestRows.withRewards(TestRows.row(new int[40], "[]", "{}", 1, 39, new float[0]),
          number(testCase.get("claimed")), 0.0, 0);
      assertThat(check.check(TestRows.parsed(row), number(testCase.get("environment"))).passed())
          .as(testCase.toString()).isEqualTo(testCase.get("close").asBoolean());
    }
  }

  @Test
  void softGateCutoffsMatch() {
    for (JsonNode testCase : VECTORS.get("soft_cutoffs")) {
      assertThat(SoftGate.cutoff(number(testCase.get("threshold")), testCase.get("planned").asInt()))
          .as(testCase.toString()).isEqualTo(testCase.get("cutoff").asInt());
    }
    assertThat(V5.validation().rewardSoftThreshold()).isEqualTo(0.20);
    assertThat(V5.validation().distributionSoftThreshold()).isEqualTo(0.51);
  }

  @Test
  void terminationDecisionsMatch() {
    int eos = 151645;
    for (JsonNode testCase : VECTORS.get("termination")) {
      int completion = testCase.get("completion_length").asInt();
      int maxTokens = testCase.get("max_tokens").asInt();
      // The reference ignores a non-positive max_tokens and caps at 8192.
      int effective = maxTokens > 0 ? Math.min(maxTokens, 8192) : 8192;
      int[] tokens = new int[10 + completion];
      tokens[tokens.length - 1] = testCase.get("last_is_eos").asBoolean() ? eos : 9;
      RowUnderTest row = TestRows.parsed(TestRows.row(tokens, "[]", "{}", 10, completion, new float[0]));
      Float probability = testCase.get("eos_probability").isNull() ? null : (float) number(testCase.get("eos_probability"));
      assertThat(new TerminationCheck(effective, eos, V5.rollouts().minEosProbability()).check(row, probability).passed())
          .as(testCase.toString()).isEqualTo(testCase.get("valid").asBoolean());
    }
  }

  @Test
  void schemaVerdictsMatchThePydanticCommitModel() {
    SchemaCheck check = new SchemaCheck(V5.proof().challengeK(), V5.rollouts().maxNewTokensCap());
    for (JsonNode testCase : VECTORS.get("schema")) {
      int tokens = testCase.get("tokens").asInt();
      RowUnderTest row = TestRows.parsed(TestRows.row(new int[tokens], testCase.get("commitments").asText(),
          testCase.get("beacon").asText(), testCase.get("prompt_length").asInt(), testCase.get("completion_length").asInt(),
          new float[tokens]));
      CheckResult result = check.check(row);
      String name = testCase.get("name").asText();
      assertThat(result.passed()).as(name + ": " + result.rejection()).isEqualTo(testCase.get("valid").asBoolean());
      Set<String> fields = new TreeSet<>();
      if (!result.passed()) {
        for (String error : result.rejection().reason().split("; ")) {
          fields.add(error.startsWith("prompt_length (") ? "rollout" : error.split("[ .\\[]", 2)[0]);
        }
      }
      assertThat(fields).as(name).containsExactlyElementsOf(texts(testCase.get("error_fields")));
    }
  }

  @Test
  void fileStructureVerdictsMatch() {
    String hotkey = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    BlockHash hash = BlockHash.parse("0x" + "ab".repeat(32));
    RolloutRow template = TestRows.row(new int[40], "[]", "{}", 1, 39, new float[0]);
    FileStructureCheck check = new FileStructureCheck(16);
    for (JsonNode testCase : VECTORS.get("file_structure")) {
      List<RolloutRow> rows = new ArrayList<>();
      for (JsonNode row : testCase.get("rows")) {
        rows.add(TestRows.withStructure(template, row.get(0).asLong(), row.get(1).asLong(), row.get(2).asText(), row.get(3).asLong()));
      }
      WindowFile file = new WindowFile(testCase.get("wallet").asText(), testCase.get("window_start").asLong(), 30, 0, rows);
      Optional<Rejection> rejection = check.check(file, hotkey, 600, hash);
      String name = testCase.get("name").asText();
      assertThat(rejection.isEmpty()).as(name).isEqualTo(testCase.get("valid").asBoolean());
      rejection.ifPresent(found -> assertThat(category(found.reason())).as(name + ": " + found)
          .isEqualTo(testCase.get("reason").asText()));
    }
  }

  /** The reference's reason codes for our messages. */
  private static String category(String reason) {
    if (reason.startsWith("footer wallet") || reason.startsWith("footer metadata 'wallet'")) {
      return "wallet_mismatch";
    }
    if (reason.startsWith("footer window_start")) {
      return "window_mismatch";
    }
    if (reason.startsWith("window_start")) {
      return "window_start_mismatch";
    }
    if (reason.startsWith("block_hash")) {
      return "block_hash_mismatch";
    }
    if (reason.startsWith("nonce")) {
      return "duplicate_nonce";
    }
    if (reason.contains("rows, expected exactly")) {
      return "invalid_group_size";
    }
    return reason;
  }

  @Test
  void estimatesMatchTheSuccessResult() {
    for (JsonNode testCase : VECTORS.get("estimates")) {
      Estimates estimates = Estimates.of(testCase.get("total").asLong(), testCase.get("checked").asLong(),
          testCase.get("valid").asLong(), testCase.get("successful").asLong(), testCase.get("unique").asLong());
      assertThat(estimates.estimatedValid()).as(testCase.toString()).isEqualTo(testCase.get("estimated_valid").asLong());
      assertThat(estimates.estimatedSuccessful()).as(testCase.toString()).isEqualTo(testCase.get("estimated_successful").asLong());
      assertThat(estimates.estimatedUnique()).as(testCase.toString()).isEqualTo(testCase.get("estimated_unique").asLong());
    }
  }

  @Test
  void commitDictsOfAReferenceWrittenFileHashAsTheReferenceReaderSees() throws Exception {
    byte[] parquet;
    try (InputStream in = getClass().getResourceAsStream("/vectors/storage/window/reference-window.parquet")) {
      parquet = in.readAllBytes();
    }
    WindowFile file = WindowFileReader.read(parquet);
    JsonNode expected = VECTORS.get("reference_window_commits");
    assertThat(file.rows()).hasSize(expected.size());
    for (int i = 0; i < file.rows().size(); i++) {
      RowUnderTest row = RowUnderTest.parse(i, file.rows().get(i));
      String json = PythonJson.dumps(row.pythonCommit(), PythonJson.Style.COMPACT_SORTED);
      String sha256 = Hex.encode(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
      assertThat(sha256).as("row " + i + ": " + json.substring(0, Math.min(300, json.length())))
          .isEqualTo(expected.get(i).get("compact_sorted_json_sha256").asText());
      JsonNode digest = expected.get(i).get("completion_digest");
      if (!digest.isNull()) {
        assertThat(dev.quarry.grail.protocol.CompletionDigest.hex(row.completionTokensAsSliced(), 0)).isEqualTo(digest.asText());
      }
    }
  }
}
