package dev.quarry.validator.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.storage.window.RolloutRow;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks' constants and order against the reference, the GRPO group check, and the JSON reading. */
class ChecksTest {

  private static JsonNode load(String resource) throws Exception {
    try (InputStream in = ChecksTest.class.getResourceAsStream(resource)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void constantsAndPipelineOrderAreTheReferences() throws Exception {
    JsonNode constants = load("/vectors/validator/validator_checks.json").get("constants");
    TokenDistributionCheck.Thresholds thresholds = TokenDistributionCheck.Thresholds.v5();
    assertThat(thresholds.minSteps()).isEqualTo(constants.get("SAMPLING_MIN_STEPS").asInt());
    assertThat(thresholds.medianLowMax()).isEqualTo(constants.get("SAMPLING_MEDIAN_LOW_MAX").asDouble());
    assertThat(thresholds.minTokenProbability()).isEqualTo(constants.get("SAMPLING_MIN_TOKEN_PROB").asDouble());
    assertThat(thresholds.lowQ10Max()).isEqualTo(constants.get("SAMPLING_LOW_Q10_MAX").asDouble());
    assertThat(thresholds.initialWindowSteps()).isEqualTo(constants.get("SAMPLING_INITIAL_WINDOW_STEPS").asInt());
    assertThat(CopycatTracker.WINDOW_THRESHOLD).isEqualTo(constants.get("COPYCAT_WINDOW_THRESHOLD").asDouble());
    assertThat(CopycatTracker.INTERVAL_THRESHOLD).isEqualTo(constants.get("COPYCAT_INTERVAL_THRESHOLD").asDouble());
    ProtocolParameters v5 = ProtocolParameters.v5();
    assertThat(v5.rollouts().logprobMedianDeviation()).isEqualTo(constants.get("LOGPROB_IS_EPS").asDouble());
    assertThat(v5.validation().rewardSoftThreshold()).isEqualTo(constants.get("REWARD_SOFT_THRESHOLD").asDouble());
    assertThat(v5.validation().distributionSoftThreshold()).isEqualTo(constants.get("DISTRIBUTION_SOFT_THRESHOLD").asDouble());
    assertThat(v5.rollouts().minEosProbability()).isEqualTo(constants.get("MIN_EOS_PROBABILITY").asDouble());

    List<String> pipeline = new ArrayList<>();
    for (Check check : Check.values()) {
      if (check.kind() == Check.Kind.HARD || check.kind() == Check.Kind.SOFT) {
        pipeline.add(check.key());
        assertThat(check.soft() ? "soft" : "hard").isEqualTo(constants.get("pipeline_severity").get(check.key()).asText());
      }
    }
    List<String> reference = new ArrayList<>();
    constants.get("pipeline_order").forEach(name -> reference.add(name.asText()));
    assertThat(pipeline).containsExactlyElementsOf(reference);
  }

  @Test
  void grpoGroupVerdictsMatchTheReferenceGroupCheck() throws Exception {
    GrpoGroupCheck check = new GrpoGroupCheck(ProtocolParameters.v5());
    RolloutRow template = TestRows.row(new int[40], "[]", "{}", 1, 39, new float[0]);
    int cases = 0;
    for (JsonNode testCase : load("/vectors/protocol/advantages.json").get("group_checks")) {
      List<RowUnderTest> rows = new ArrayList<>();
      for (int i = 0; i < testCase.get("rewards").size(); i++) {
        RolloutRow row = TestRows.withRewards(template, PythonFloats.parse(testCase.get("rewards").get(i).asText()),
            PythonFloats.parse(testCase.get("advantages").get(i).asText()), 3);
        rows.add(new RowUnderTest(i, row, List.of(), Map.of()));
      }
      Optional<Rejection> rejection = check.check(rows);
      String variant = testCase.get("variant").asText();
      assertThat(rejection.isEmpty()).as(variant + " " + rejection).isEqualTo(testCase.get("valid").asBoolean());
      rejection.ifPresent(found -> {
        assertThat(found.check()).isEqualTo(Check.GRPO_GROUPS);
        assertThat(found.reason()).startsWith("rollout_group 3");
      });
      cases++;
    }
    assertThat(cases).isGreaterThan(100);
  }

  @Test
  void jsonIsReadAsPythonReadsIt() {
    assertThat(JsonValues.parse("[{\"sketch\": 5}, {\"sketch\": 2147483646}]"))
        .isEqualTo(List.of(Map.of("sketch", 5L), Map.of("sketch", 2147483646L)));
    assertThat(JsonValues.parse("{\"a\": NaN, \"b\": -Infinity, \"c\": 1.0, \"d\": 123456789012345678901234567890}"))
        .isEqualTo(Map.of("a", Double.NaN, "b", Double.NEGATIVE_INFINITY, "c", 1.0,
            "d", new BigInteger("123456789012345678901234567890")));
    assertThatThrownBy(() -> JsonValues.parse("[1, 2] trailing")).hasMessageStartingWith("not JSON (");
    assertThatThrownBy(() -> JsonValues.parse("{\"randomness\": ")).hasMessageStartingWith("not JSON (");
  }

  @Test
  void unparsableJsonColumnsNameTheRowAndColumn() {
    RolloutRow row = TestRows.row(new int[40], "[{\"sketch\": 1}", "{}", 1, 39, new float[0]);
    assertThatThrownBy(() -> RowUnderTest.parse(7, row)).hasMessageStartingWith("row 7 commit.commitments is not JSON (");
  }

  @Test
  void statisticsFollowNumpyAndPython() {
    double[] values = {0.5, 0.1, 0.9, 0.3};
    assertThat(PythonStatistics.median(values)).isEqualTo(0.4);
    assertThat(PythonStatistics.quantile(values, 0.1)).isEqualTo(0.1 + (0.3 - 0.1) * ((4 - 1) * 0.1));
    assertThat(PythonStatistics.quantile(values, 1.0)).isEqualTo(0.9);
    assertThat(PythonStatistics.min(values)).isEqualTo(0.1);
    assertThat(Arrays.toString(values)).isEqualTo("[0.5, 0.1, 0.9, 0.3]");
    assertThat(PythonStatistics.isClose(Double.NaN, Double.NaN, 0.02, 1e-6)).isFalse();
    assertThat(PythonStatistics.isClose(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0.02, 1e-6)).isTrue();
  }
}
