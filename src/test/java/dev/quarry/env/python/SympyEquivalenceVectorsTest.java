package dev.quarry.env.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.EnvVectors;
import dev.quarry.env.Evaluation;
import dev.quarry.env.MathAnswerEquivalence;
import dev.quarry.env.MathEnvironment;
import dev.quarry.env.MathItem;
import dev.quarry.env.TaskSource;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.UnscorableCompletionException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sympy step of MATH equivalence against the reference's _math_answers_equal (sympy 1.14.0),
 * pair by pair, with and without sympy, and MATHEnv rewards that only sympy gets right.
 */
class SympyEquivalenceVectorsTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_math_sympy.json");
  private static SympyEquivalence sympy;

  @BeforeAll
  static void start() {
    sympy = new SympyEquivalence(TestPools.sympy());
  }

  private static void assumeSympy() {
    Assumptions.assumeTrue(sympy.available(), () -> "sympy is not importable by " + TestPools.python()
        + "; the vectors prove the logic where it is: " + sympy.unavailableReason());
  }

  @Test
  void pairsWithSympyMatchTheReference() {
    assumeSympy();
    MathAnswerEquivalence equivalence = MathAnswerEquivalence.reference(sympy);
    int raising = 0;
    for (JsonNode pair : VECTORS.get("pairs")) {
      String predicted = pair.get("predicted").asText();
      String gold = pair.get("gold").asText();
      JsonNode expected = pair.get("equal_with_sympy");
      if (expected.isTextual()) {
        assertThat(expected.asText()).startsWith("raises ");
        assertThatThrownBy(() -> equivalence.equivalent(predicted, gold)).as(predicted)
            .isInstanceOfSatisfying(UnscorableCompletionException.class,
                e -> assertThat(e.reason()).isEqualTo(UnscorableCompletionException.Reason.REFERENCE_WOULD_RAISE));
        raising++;
      } else {
        assertThat(equivalence.equivalent(predicted, gold)).as(predicted + " vs " + gold).isEqualTo(expected.asBoolean());
      }
    }
    assertThat(raising).isEqualTo(1);
  }

  @Test
  void pairsWithoutSympyMatchTheReferenceWithoutIt() {
    MathAnswerEquivalence equivalence = MathAnswerEquivalence.withoutSymbolic();
    for (JsonNode pair : VECTORS.get("pairs")) {
      assertThat(equivalence.equivalent(pair.get("predicted").asText(), pair.get("gold").asText()))
          .as(pair.toString()).isEqualTo(pair.get("equal_without_sympy").asBoolean());
    }
  }

  @Test
  void mathRewardsWithSympyMatch() {
    assumeSympy();
    for (JsonNode expected : VECTORS.get("reward_cases")) {
      JsonNode row = expected.get("item");
      MathItem item = MathItem.fromDataset(row.get("problem").asText(), row.get("solution").asText(),
          row.get("type").asText(), row.get("level").asText());
      MathEnvironment environment = new MathEnvironment(TaskSource.of(List.of(item)), DatasetSplits.Split.TEST,
          MathAnswerEquivalence.reference(sympy));
      Evaluation evaluation = environment.evaluate(item, expected.get("completion").asText(),
          ThinkingMode.fromId(expected.get("mode").asText()));
      // The reference's rubric names MATH components r0..r3; Quarry names them, in the same order.
      List<Double> components = new java.util.ArrayList<>();
      expected.get("components").forEach(value -> components.add(value.asDouble()));
      assertThat(evaluation.reward()).as(expected.get("completion").asText()).isEqualTo(expected.get("reward").asDouble());
      assertThat(evaluation.success()).isEqualTo(expected.get("success").asBoolean());
      assertThat(List.copyOf(evaluation.components().values())).isEqualTo(components);
    }
  }

  @Test
  void withoutSympyEveryCheckSaysNotEqualAndExplainsWhy() {
    try (PythonWorkerPool pool = PythonWorkerPool.start(TestPools.settings().withWorkers(1))) {
      SympyEquivalence absent = new SympyEquivalence(pool);
      assertThat(absent.available()).isFalse();
      assertThat(absent.unavailableReason()).contains("without sympy");
      assertThat(absent.symbolicallyEqual("1/2", "0.5")).isFalse();
    }
  }
}
