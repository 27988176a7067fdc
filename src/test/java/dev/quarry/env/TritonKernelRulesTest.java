package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KernelBench split rule, seed choice, prompt template and evaluation constants (no Python needed). */
class TritonKernelRulesTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_triton.json");

  private static TaskSource<KernelBenchItem> rows(JsonNode levelSizes) {
    List<KernelBenchItem> rows = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> levels = levelSizes.fields();
    while (levels.hasNext()) {
      Map.Entry<String, JsonNode> level = levels.next();
      int number = Integer.parseInt(level.getKey());
      for (int i = 0; i < level.getValue().asInt(); i++) {
        rows.add(new KernelBenchItem("import torch\n# level " + number + " problem " + i + "\nclass Model(torch.nn.Module):\n    pass\n",
            number, (i + 1) + "_Problem_" + (i + 1) + ".py", i + 1, "level_" + number));
      }
    }
    return TaskSource.of(rows);
  }

  private static List<List<Long>> keys(TaskSource<KernelBenchItem> items) {
    List<List<Long>> keys = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      keys.add(List.of((long) items.get(i).level(), items.get(i).problemId()));
    }
    return keys;
  }

  private static List<List<Long>> expectedKeys(JsonNode pairs) {
    List<List<Long>> keys = new ArrayList<>();
    pairs.forEach(pair -> keys.add(List.of(pair.get(0).asLong(), pair.get(1).asLong())));
    return keys;
  }

  @Test
  void perLevelSplitMatchesForEveryLevelLayout() {
    for (JsonNode layout : VECTORS.get("splits")) {
      TaskSource<KernelBenchItem> all = rows(layout.get("level_sizes"));
      for (DatasetSplits.Split split : List.of(DatasetSplits.Split.TRAIN, DatasetSplits.Split.VAL, DatasetSplits.Split.ALL)) {
        assertThat(keys(DatasetSplits.kernelBench(split, all, KernelBenchItem::level)))
            .as(layout.get("level_sizes") + " " + split)
            .containsExactlyElementsOf(expectedKeys(layout.get(split.id())));
      }
    }
  }

  @Test
  void seedsPickTheReferenceProblem() {
    TaskSource<KernelBenchItem> all = rows(VECTORS.get("splits").get(0).get("level_sizes"));
    for (JsonNode expected : VECTORS.get("seeds")) {
      DatasetSplits.Split split = switch (expected.get("split").asText()) {
        case "train" -> DatasetSplits.Split.TRAIN;
        case "val" -> DatasetSplits.Split.VAL;
        default -> DatasetSplits.Split.ALL;
      };
      TritonKernelEnvironment environment = new TritonKernelEnvironment(
          DatasetSplits.kernelBench(split, all, KernelBenchItem::level), split, EnvVectors.noSandbox(), null);
      Problem problem = environment.problem(expected.get("seed").asLong());
      @SuppressWarnings("unchecked")
      DatasetTask<KernelBenchItem> task = (DatasetTask<KernelBenchItem>) problem.details();
      assertThat(task.index()).as(expected.toString()).isEqualTo(expected.get("index").asInt());
      assertThat(task.item().level()).isEqualTo(expected.get("level").asInt());
      assertThat(task.item().problemId()).isEqualTo(expected.get("problem_id").asLong());
    }
  }

  @Test
  void promptTemplateIsByteExact() {
    for (JsonNode expected : VECTORS.get("prompts")) {
      assertThat(TritonKernelEnvironment.prompt(expected.get("code").asText())).isEqualTo(expected.get("prompt").asText());
      // The reference's test code is the KernelBench code followed by its own check function.
      assertThat(expected.get("test_code").asText()).startsWith(expected.get("code").asText() + "\n\n");
    }
  }

  @Test
  void evaluationConstantsMatch() {
    JsonNode constants = VECTORS.get("eval_constants");
    assertThat(KernelEvaluator.SEED).isEqualTo(constants.get("seed").asLong());
    assertThat(KernelEvaluator.TOLERANCE).isEqualTo(constants.get("tolerance").asDouble());
    assertThat(KernelEvaluator.TRIALS).isEqualTo(constants.get("num_trials").asInt());
  }

  @Test
  void splitNamesFollowTheReference() {
    TaskSource<KernelBenchItem> all = rows(VECTORS.get("splits").get(2).get("level_sizes"));
    assertThatThrownBy(() -> DatasetSplits.kernelBench(DatasetSplits.Split.TEST, all, KernelBenchItem::level))
        .hasMessageContaining("'train', 'val', or 'all'");
    assertThatThrownBy(() -> DatasetSplits.Split.fromId("all")).hasMessageContaining("'train', 'val', or 'test'");
  }
}
