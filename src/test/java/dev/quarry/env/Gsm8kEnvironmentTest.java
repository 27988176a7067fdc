package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Gsm8kEnvironmentTest {

  private static final JsonNode VECTORS = Vectors.load("env_gsm8k.json");

  /** Synthetic rows exactly like the generator's: "q<i>" / "#### <i>". */
  private static TaskSource<Gsm8kItem> synthetic(int size) {
    List<Gsm8kItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      items.add(new Gsm8kItem("q" + i, "#### " + i));
    }
    return TaskSource.of(items);
  }

  @Test
  void trainValidationSplitsMatchTheReference() {
    VECTORS.get("splits").fields().forEachRemaining(entry -> {
      int size = Integer.parseInt(entry.getKey());
      JsonNode expected = entry.getValue();
      assertThat(DatasetSplits.gsm8kValidationIndices(size)).containsExactlyElementsOf(Vectors.intList(expected.get("val_original_indices")));
      TaskSource<Gsm8kItem> train = DatasetSplits.gsm8k(DatasetSplits.Split.TRAIN, synthetic(size), synthetic(0));
      assertThat(train.size()).isEqualTo(expected.get("train_size").asInt());
      if (!expected.get("train_original_indices").isNull()) {
        List<Integer> trainIndices = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
          trainIndices.add(Integer.parseInt(train.get(i).question().substring(1)));
        }
        assertThat(trainIndices).containsExactlyElementsOf(Vectors.intList(expected.get("train_original_indices")));
      }
    });
    assertThatThrownBy(() -> DatasetSplits.gsm8kValidationIndices(249)).hasMessageContaining("250");
  }

  @Test
  void seedsPickTheSameItemsInEverySplit() {
    TaskSource<Gsm8kItem> hfTrain = synthetic(7473);
    TaskSource<Gsm8kItem> hfTest = synthetic(1319);
    for (JsonNode testCase : VECTORS.get("index_cases")) {
      DatasetSplits.Split split = DatasetSplits.Split.fromId(testCase.get("split").asText());
      TaskSource<Gsm8kItem> items = DatasetSplits.gsm8k(split, hfTrain, hfTest);
      assertThat(items.size()).isEqualTo(testCase.get("size").asInt());
      Gsm8kEnvironment environment = new Gsm8kEnvironment(items, split);
      Problem problem = environment.problem(testCase.get("seed").asLong());
      @SuppressWarnings("unchecked")
      DatasetTask<Gsm8kItem> task = (DatasetTask<Gsm8kItem>) problem.details();
      assertThat(task.index()).as(testCase.toString()).isEqualTo(testCase.get("index").asInt());
      assertThat(problem.userPrompt()).isEqualTo(testCase.get("question").asText());
    }
  }

  @Test
  void goldParsingAndNormalisationMatch() {
    for (JsonNode testCase : VECTORS.get("gold_cases")) {
      assertThat(Gsm8kEnvironment.goldAnswer(testCase.get("text").asText())).as(testCase.get("text").asText())
          .isEqualTo(testCase.get("parsed").asText());
    }
    for (JsonNode testCase : VECTORS.get("normalization_cases")) {
      assertThat(Gsm8kEnvironment.normalize(testCase.get("text").asText())).isEqualTo(testCase.get("normalized").asText());
    }
  }

  @Test
  void rewardsMatchGsm8kEnvStep() {
    int count = 0;
    for (JsonNode testCase : VECTORS.get("reward_cases")) {
      ThinkingMode mode = ThinkingMode.fromId(testCase.get("mode").asText());
      Gsm8kItem item = new Gsm8kItem("Q?", testCase.get("gold").asText());
      String completion = testCase.get("completion").asText();
      String label = mode + " gold=" + item.answer() + " completion=" + completion;
      Evaluation evaluation = Gsm8kEnvironment.evaluate(item, completion, mode);
      assertThat(PythonFloats.repr(evaluation.reward())).as(label).isEqualTo(testCase.get("reward").asText());
      assertThat(evaluation.success()).as(label).isEqualTo(testCase.get("success").asBoolean());
      int i = 0;
      for (Map.Entry<String, Double> component : evaluation.components().entrySet()) {
        assertThat(PythonFloats.repr(component.getValue())).as(label + " " + component.getKey())
            .isEqualTo(testCase.get("components").get(i++).asText());
      }
      Gsm8kEnvironment.Parsed parsed = Gsm8kEnvironment.parse(completion, mode);
      JsonNode expected = testCase.get("parsed");
      assertThat(parsed.answerText()).as(label).isEqualTo(expected.get("answer_text").asText());
      assertThat(parsed.answerText()).isEqualTo(testCase.get("pred_answer").asText());
      assertThat(parsed.hasThinking()).as(label).isEqualTo(expected.get("has_thinking").asBoolean());
      assertThat(parsed.hasAnswer()).as(label).isEqualTo(expected.get("has_answer").asBoolean());
      assertThat(parsed.trailingAfterAnswer()).as(label).isEqualTo(expected.get("trailing_after_answer").asInt());
      assertThat(parsed.numericOnly()).as(label).isEqualTo(expected.get("is_numeric_only").asBoolean());
      assertThat(Gsm8kEnvironment.goldAnswer(item.answer())).isEqualTo(testCase.get("gold_answer").asText());
      count++;
    }
    assertThat(count).isGreaterThan(500);
  }
}
