package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SatEnvironmentTest {

  private static final JsonNode VECTORS = Vectors.load("env_sat.json");
  private final SatEnvironment environment = new SatEnvironment();

  @Test
  void instancesAndPromptsMatchForEverySeed() {
    int count = 0;
    for (JsonNode testCase : VECTORS.get("instances")) {
      long seed = testCase.get("seed").asLong();
      Problem problem = environment.problem(seed);
      SatInstance instance = (SatInstance) problem.details();
      assertThat(PythonFloats.repr(instance.difficulty())).isEqualTo(testCase.get("difficulty").asText());
      assertThat(instance.numVars()).as("seed %d", seed).isEqualTo(testCase.get("num_vars").asInt());
      assertThat(instance.clauses()).hasSize(testCase.get("clauses").size());
      for (int c = 0; c < instance.clauses().size(); c++) {
        assertThat(instance.clauses().get(c)).as("seed %d clause %d", seed, c).containsExactly(Vectors.ints(testCase.get("clauses").get(c)));
      }
      assertThat(problem.userPrompt()).isEqualTo(testCase.get("prompt").asText());
      assertThat(problem.environmentId()).isEqualTo("sat");
      count++;
    }
    assertThat(count).isGreaterThan(100);
  }

  @Test
  void rewardsSuccessAndComponentsMatchSatEnvStep() {
    int successes = 0;
    for (JsonNode testCase : VECTORS.get("rewards")) {
      ThinkingMode mode = ThinkingMode.fromId(testCase.get("mode").asText());
      Problem problem = environment.problem(testCase.get("seed").asLong());
      String completion = testCase.get("completion").asText();
      String label = mode + " seed " + problem.seed() + ": " + completion;
      Evaluation evaluation = environment.evaluate(problem, completion, mode);
      assertThat(PythonFloats.repr(evaluation.reward())).as(label).isEqualTo(testCase.get("reward").asText());
      assertThat(evaluation.success()).as(label).isEqualTo(testCase.get("success").asBoolean());
      int i = 0;
      for (Map.Entry<String, Double> component : evaluation.components().entrySet()) {
        assertThat(PythonFloats.repr(component.getValue())).as(label + " " + component.getKey())
            .isEqualTo(testCase.get("components").get(i++).asText());
      }
      SatEnvironment.Parsed parsed = SatEnvironment.parse(completion, (SatInstance) problem.details(), mode);
      JsonNode expected = testCase.get("parsed");
      assertThat(parsed.answerText()).as(label).isEqualTo(expected.get("answer_text").asText());
      assertThat(parsed.hasThinking()).as(label).isEqualTo(expected.get("has_thinking").asBoolean());
      assertThat(parsed.hasAnswer()).as(label).isEqualTo(expected.get("has_answer").asBoolean());
      assertThat(parsed.strictFormatOk()).as(label).isEqualTo(expected.get("strict_format_ok").asBoolean());
      assertThat(parsed.trailingAfterAnswer()).as(label).isEqualTo(expected.get("trailing_after_answer").asInt());
      assertThat(parsed.answerHasOnlyBitsSpaces()).as(label).isEqualTo(expected.get("answer_has_only_bits_spaces").asBoolean());
      JsonNode assignment = expected.get("assignment");
      assertThat(parsed.assignment()).hasSize(assignment.size());
      for (int b = 0; b < assignment.size(); b++) {
        assertThat(parsed.assignment()[b]).isEqualTo(assignment.get(b).asBoolean());
      }
      assertThat(SatEnvironment.satisfiedClauses((SatInstance) problem.details(), parsed)).as(label)
          .isEqualTo(testCase.get("satisfied_clauses").asInt());
      if (evaluation.success()) {
        successes++;
      }
    }
    assertThat(successes).isGreaterThan(50);
  }

  @Test
  void aSatisfyingWellFormedAnswerEarnsTheMaximum() {
    for (long seed = 0; seed < 50; seed++) {
      Problem problem = environment.problem(seed * 7919);
      SatInstance instance = (SatInstance) problem.details();
      boolean[] solution = solve(instance);
      if (solution == null) {
        continue;
      }
      StringBuilder bits = new StringBuilder();
      for (boolean value : solution) {
        bits.append(bits.length() == 0 ? "" : " ").append(value ? '1' : '0');
      }
      for (ThinkingMode mode : ThinkingMode.values()) {
        String completion = mode.thinkingOpen() + "ok" + mode.thinkingClose() + "<SOLUTION>" + bits + "</SOLUTION>";
        Evaluation evaluation = environment.evaluate(problem, completion, mode);
        assertThat(evaluation.success()).isTrue();
        assertThat(evaluation.reward()).isCloseTo(1.135, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }

  private static boolean[] solve(SatInstance instance) {
    int n = instance.numVars();
    for (int mask = 0; mask < (1 << n); mask++) {
      boolean[] assignment = new boolean[n];
      for (int v = 0; v < n; v++) {
        assignment[v] = (mask & (1 << v)) != 0;
      }
      if (instance.isSatisfiedBy(assignment)) {
        return assignment;
      }
    }
    return null;
  }
}
