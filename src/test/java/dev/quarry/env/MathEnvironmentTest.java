package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MathEnvironmentTest {

  private static final JsonNode VECTORS = Vectors.load("env_math.json");

  private static List<TaskSource<MathItem>> subjects(String field) {
    List<TaskSource<MathItem>> subjects = new ArrayList<>();
    JsonNode sizes = VECTORS.get("splits").get(field);
    for (String subject : DatasetSplits.MATH_SUBJECTS) {
      List<MathItem> items = new ArrayList<>();
      for (int i = 0; i < sizes.get(subject).asInt(); i++) {
        items.add(MathItem.fromDataset(subject + "-" + i, "\\boxed{" + i + "}", subject, "Level " + (1 + i % 5)));
      }
      subjects.add(TaskSource.of(items));
    }
    return subjects;
  }

  @Test
  void stratifiedValidationSplitMatches() {
    JsonNode splits = VECTORS.get("splits");
    assertThat(splits.get("subject_order").toString()).isEqualTo(Vectors.mapper().valueToTree(DatasetSplits.MATH_SUBJECTS).toString());
    List<Integer> sizes = new ArrayList<>();
    for (String subject : DatasetSplits.MATH_SUBJECTS) {
      sizes.add(splits.get("train_sizes").get(subject).asInt());
    }
    List<List<Integer>> held = DatasetSplits.mathValidationIndices(sizes);
    for (int s = 0; s < DatasetSplits.MATH_SUBJECTS.size(); s++) {
      String subject = DatasetSplits.MATH_SUBJECTS.get(s);
      List<Integer> expected = new ArrayList<>(Vectors.intList(splits.get("val_indices_by_subject").get(subject)));
      expected.sort(null);
      assertThat(held.get(s)).as(subject).containsExactlyElementsOf(expected);
    }
    List<TaskSource<MathItem>> train = subjects("train_sizes");
    assertThat(DatasetSplits.math(DatasetSplits.Split.TRAIN, train, List.of()).size()).isEqualTo(splits.get("train_size").asInt());
    assertThat(DatasetSplits.math(DatasetSplits.Split.VAL, train, List.of()).size()).isEqualTo(splits.get("val_size").asInt());
  }

  @Test
  void seedsPickTheSameItemsInEverySplit() {
    List<TaskSource<MathItem>> train = subjects("train_sizes");
    List<TaskSource<MathItem>> test = subjects("test_sizes");
    for (JsonNode testCase : VECTORS.get("index_cases")) {
      DatasetSplits.Split split = DatasetSplits.Split.fromId(testCase.get("split").asText());
      TaskSource<MathItem> items = DatasetSplits.math(split, train, test);
      assertThat(items.size()).isEqualTo(testCase.get("size").asInt());
      MathEnvironment environment = new MathEnvironment(items, split, MathAnswerEquivalence.withoutSymbolic());
      Problem problem = environment.problem(testCase.get("seed").asLong());
      @SuppressWarnings("unchecked")
      DatasetTask<MathItem> task = (DatasetTask<MathItem>) problem.details();
      assertThat(task.index()).isEqualTo(testCase.get("index").asInt());
      assertThat(problem.userPrompt()).isEqualTo(testCase.get("question").asText());
      assertThat(task.item().level()).isEqualTo(testCase.get("level").asInt());
      assertThat(task.item().subject()).isEqualTo(testCase.get("subject").asText());
    }
  }

  @Test
  void boxedExtractionAndNormalisationMatch() {
    for (JsonNode testCase : VECTORS.get("boxed_cases")) {
      String text = testCase.get("text").asText();
      assertThat(LatexAnswers.firstBoxed(text)).as(text).isEqualTo(testCase.get("first").asText());
      assertThat(LatexAnswers.lastBoxed(text)).as(text).isEqualTo(testCase.get("last").isNull() ? null : testCase.get("last").asText());
    }
    for (JsonNode testCase : VECTORS.get("normalization_cases")) {
      assertThat(LatexAnswers.normalize(testCase.get("text").asText())).as(testCase.get("text").asText())
          .isEqualTo(testCase.get("normalized").asText());
    }
  }

  @Test
  void equivalenceWithoutSympyMatchesTheReferenceWithSympyBlocked() {
    MathAnswerEquivalence equivalence = MathAnswerEquivalence.withoutSymbolic();
    int differsWithSympy = 0;
    for (JsonNode testCase : VECTORS.get("equality_cases")) {
      String predicted = testCase.get("predicted").asText();
      String gold = testCase.get("gold").asText();
      assertThat(equivalence.equivalent(predicted, gold)).as("%s vs %s", predicted, gold)
          .isEqualTo(testCase.get("without_sympy").asBoolean());
      if (testCase.get("with_sympy").asBoolean() != testCase.get("without_sympy").asBoolean()) {
        differsWithSympy++;
      }
    }
    // The documented gap: these are the cases a plugged-in sympy step must decide.
    assertThat(differsWithSympy).isEqualTo(4);
  }

  @Test
  void aPluggedSymbolicStepIsConsultedBetweenExactAndNumeric() {
    MathAnswerEquivalence withStub = MathAnswerEquivalence.reference((a, b) -> a.equals("1/2") && b.equals("0.5"));
    assertThat(withStub.equivalent("1/2", "0.5")).isTrue();
    assertThat(MathAnswerEquivalence.reference((a, b) -> {
      throw new IllegalStateException("parse error");
    }).equivalent("5.0", "5")).isTrue();
  }

  @Test
  void rewardsMatchMathEnvStepWithoutSympy() {
    int count = 0;
    for (JsonNode testCase : VECTORS.get("reward_cases")) {
      ThinkingMode mode = ThinkingMode.fromId(testCase.get("mode").asText());
      MathItem item = new MathItem("Q", testCase.get("solution").asText(), testCase.get("gold_answer").asText(), "", 0);
      String completion = testCase.get("completion").asText();
      String label = mode + " " + item + " " + completion;
      MathEnvironment environment = new MathEnvironment(TaskSource.of(List.of(item)), DatasetSplits.Split.TRAIN,
          MathAnswerEquivalence.withoutSymbolic());
      Evaluation evaluation = environment.evaluate(item, completion, mode);
      assertThat(PythonFloats.repr(evaluation.reward())).as(label).isEqualTo(testCase.get("reward_without_sympy").asText());
      assertThat(evaluation.success()).as(label).isEqualTo(testCase.get("success_without_sympy").asBoolean());
      int i = 0;
      for (Map.Entry<String, Double> component : evaluation.components().entrySet()) {
        assertThat(PythonFloats.repr(component.getValue())).as(label + " " + component.getKey())
            .isEqualTo(testCase.get("components_without_sympy").get(i++).asText());
      }
      assertThat(MathEnvironment.goldAnswer(item)).isEqualTo(testCase.get("gold").asText());
      assertThat(MathEnvironment.parse(completion, mode).answerText()).isEqualTo(testCase.get("pred").asText());
      count++;
    }
    assertThat(count).isEqualTo(240);
  }
}
