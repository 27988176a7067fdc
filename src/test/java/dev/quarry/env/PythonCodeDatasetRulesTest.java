package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MBPP/HumanEval prompts, split rules and test assembly against the reference's (no Python needed). */
class PythonCodeDatasetRulesTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_python_code.json");

  /** The generator's synthetic MBPP rows (their count and order are what the split rule uses). */
  private static TaskSource<MbppItem> syntheticMbpp(String split) {
    int size = VECTORS.get("mbpp_hf_sizes").get(split).asInt();
    int base = switch (split) {
      case "train" -> 601;
      case "validation" -> 511;
      default -> 11;
    };
    List<MbppItem> rows = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int taskId = base + i;
      String code = switch (i % 3) {
        case 0 -> "def f_" + taskId + "(x):\r\n    return x + " + i;
        case 1 -> "import re\r\nR = 3\r\n  def   g_" + taskId + " (a, b) :  \r\n    return a";
        default -> "x = " + i + "  # no function definition";
      };
      rows.add(new MbppItem(taskId, "Synthetic " + split + " problem " + i + ".", code,
          List.of("assert True", "assert " + i + " == " + i), "", List.of()));
    }
    return TaskSource.of(rows);
  }

  private static TaskSource<MbppItem> mbppSplit(DatasetSplits.Split split) {
    return DatasetSplits.mbpp(split, syntheticMbpp("train"), syntheticMbpp("validation"), syntheticMbpp("test"));
  }

  @Test
  void mbppRedistributesTheTestSplitLikeTheReference() {
    for (String name : List.of("train", "validation")) {
      TaskSource<MbppItem> items = mbppSplit(name.equals("train") ? DatasetSplits.Split.TRAIN : DatasetSplits.Split.VAL);
      List<Integer> taskIds = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        taskIds.add(items.get(i).taskId());
      }
      List<Integer> expected = new ArrayList<>();
      VECTORS.get("mbpp_splits").get(name).forEach(node -> expected.add(node.asInt()));
      assertThat(taskIds).as(name).containsExactlyElementsOf(expected);
    }
    assertThat(mbppSplit(DatasetSplits.Split.TRAIN).size()).isEqualTo(774);
    assertThat(mbppSplit(DatasetSplits.Split.VAL).size()).isEqualTo(190);
    assertThatThrownBy(() -> mbppSplit(DatasetSplits.Split.TEST)).hasMessageContaining("redistributed");
  }

  @Test
  void promptsAndIndicesMatch() {
    List<HumanEvalItem> humanEval = new ArrayList<>();
    for (int i = 0; i < VECTORS.get("humaneval_size").asInt(); i++) {
      humanEval.add(new HumanEvalItem("HumanEval/" + i, "def h" + i + "():\n    \"\"\"doc " + i + "\"\"\"\n", "    return " + i + "\n",
          "def check(c):\n    assert c() == " + i + "\n", "h" + i));
    }
    PythonCodeEnvironment he = PythonCodeEnvironment.humanEval(TaskSource.of(humanEval), EnvVectors.noSandbox());
    int checked = 0;
    for (JsonNode expected : VECTORS.get("prompts")) {
      PythonCodeEnvironment environment = expected.get("dataset").asText().equals("humaneval") ? he
          : PythonCodeEnvironment.mbpp(mbppSplit(expected.get("split").asText().equals("train") ? DatasetSplits.Split.TRAIN
              : DatasetSplits.Split.VAL), expected.get("split").asText().equals("train") ? DatasetSplits.Split.TRAIN
              : DatasetSplits.Split.VAL, EnvVectors.noSandbox());
      Problem problem = environment.problem(expected.get("seed").asLong());
      DatasetTask<?> task = (DatasetTask<?>) problem.details();
      assertThat(problem.userPrompt()).as(expected.toString()).isEqualTo(expected.get("prompt").asText());
      assertThat(task.index()).as(expected.toString()).isEqualTo(expected.get("index").asInt());
      if (task.item() instanceof MbppItem item) {
        assertThat(item.taskId()).isEqualTo(expected.get("task_id").asInt());
        assertThat(item.testList()).hasSize(expected.get("num_tests").asInt());
      } else {
        assertThat(((HumanEvalItem) task.item()).taskId()).isEqualTo(expected.get("task_id").asText());
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void functionSignatureRule() {
    for (JsonNode expected : VECTORS.get("signatures")) {
      assertThat(PythonCodeEnvironment.functionSignature(expected.get("code").asText()))
          .as(expected.get("code").asText()).isEqualTo(expected.get("signature").asText());
    }
  }

  @Test
  void testCasesAreAssembledAsTheReferenceDoes() {
    int checked = 0;
    for (JsonNode build : VECTORS.get("test_case_builds")) {
      JsonNode payload = build.get("payload");
      List<String> tests;
      if (payload.has("test_list")) {
        tests = PythonCodeEnvironment.testCases(new MbppItem(1, "t", "", EnvVectors.strings(payload.get("test_list")),
            payload.path("test_setup_code").asText(""), EnvVectors.strings(payload.get("test_imports"))));
      } else if (payload.has("test")) {
        tests = PythonCodeEnvironment.testCases(new HumanEvalItem("x", "p", "", payload.get("test").asText(),
            payload.path("entry_point").asText("")));
      } else {
        continue;
      }
      assertThat(tests).as(payload.toString()).containsExactlyElementsOf(EnvVectors.strings(build.get("tests")));
      checked++;
    }
    assertThat(checked).isEqualTo(8);
  }
}
