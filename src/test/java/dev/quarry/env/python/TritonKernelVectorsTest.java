package dev.quarry.env.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.EnvVectors;
import dev.quarry.env.Evaluation;
import dev.quarry.env.KernelBenchItem;
import dev.quarry.env.KernelEvaluation;
import dev.quarry.env.KernelEvaluator;
import dev.quarry.env.Problem;
import dev.quarry.env.TaskSource;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.TritonKernelEnvironment;
import dev.quarry.env.UnscorableCompletionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * triton_kernel parsing (structure checks and the real compile check) and rewards against the
 * reference's TritonKernelEnv.step. GPU results are the fixed EvalResults the generator fed the
 * reference: no GPU exists here, and the reward only reads correct/infra_error from it.
 */
class TritonKernelVectorsTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_triton.json");
  private static PythonSandbox sandbox;

  @BeforeAll
  static void startSandbox() {
    sandbox = new PythonSandbox(TestPools.sandbox());
  }

  private static TritonKernelEnvironment environment(KernelEvaluator gpu) {
    KernelBenchItem item = new KernelBenchItem(VECTORS.get("prompts").get(0).get("code").asText(), 1, "19_ReLU.py", 19, "level_1");
    return new TritonKernelEnvironment(TaskSource.of(List.of(item)), DatasetSplits.Split.ALL, sandbox, gpu);
  }

  private static KernelEvaluation fixed(String name) {
    return switch (name) {
      case "correct" -> new KernelEvaluation(true, true, null, 0.0, false);
      case "incorrect" -> new KernelEvaluation(false, true, "max_diff=0.5", 0.5, false);
      case "not_compiled" -> new KernelEvaluation(false, false, "NameError", null, false);
      case "infra_error" -> KernelEvaluation.infrastructure("timeout");
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void parserMatches() {
    TritonKernelEnvironment environment = environment(null);
    for (JsonNode expected : VECTORS.get("parse_cases")) {
      TritonKernelEnvironment.Parsed parsed = environment.parse(expected.get("completion").asText(),
          ThinkingMode.fromId(expected.get("mode").asText()));
      String label = expected.get("mode").asText() + "/" + expected.get("kind").asText();
      assertThat(parsed.code()).as(label).isEqualTo(expected.get("code").asText());
      assertThat(parsed.hasThinking()).as(label).isEqualTo(expected.get("has_thinking").asBoolean());
      assertThat(parsed.hasSolution()).as(label).isEqualTo(expected.get("has_solution").asBoolean());
      assertThat(parsed.trailingAfterSolution()).as(label).isEqualTo(expected.get("trailing_after_solution").asInt());
      assertThat(parsed.syntaxValid()).as(label).isEqualTo(expected.get("syntax_valid").asBoolean());
      assertThat(parsed.hasModelNew()).as(label).isEqualTo(expected.get("has_model_new").asBoolean());
      assertThat(parsed.hasTritonJit()).as(label).isEqualTo(expected.get("has_triton_jit").asBoolean());
      assertThat(parsed.hasTritonImport()).as(label).isEqualTo(expected.get("has_triton_import").asBoolean());
      assertThat(parsed.hasTorchImport()).as(label).isEqualTo(expected.get("has_torch_import").asBoolean());
      assertThat(parsed.structureValid()).as(label).isEqualTo(expected.get("structure_valid").asBoolean());
    }
  }

  @Test
  void rewardsMatchWithAndWithoutGpuEvaluation() {
    int compared = 0;
    for (JsonNode expected : VECTORS.get("reward_cases")) {
      AtomicInteger gpuCalls = new AtomicInteger();
      KernelEvaluator gpu = null;
      if (expected.get("gpu_eval").asBoolean()) {
        KernelEvaluation result = fixed(expected.get("gpu_result").asText());
        gpu = (pytorchCode, tritonCode) -> {
          gpuCalls.incrementAndGet();
          return result;
        };
      }
      TritonKernelEnvironment environment = environment(gpu);
      Problem problem = environment.problem(0);
      ThinkingMode mode = ThinkingMode.fromId(expected.get("mode").asText());
      String label = expected.get("mode").asText() + "/" + expected.get("kind").asText() + "/" + expected.get("gpu_result");
      String completion = expected.get("completion").asText();
      if (expected.get("eval_infra_error").asBoolean()) {
        // The reference returns a reward but flags the rollout; its miner then drops the whole group.
        assertThatThrownBy(() -> environment.evaluate(problem, completion, mode)).as(label)
            .isInstanceOfSatisfying(UnscorableCompletionException.class,
                e -> assertThat(e.reason()).isEqualTo(UnscorableCompletionException.Reason.INFRASTRUCTURE));
      } else {
        Evaluation evaluation = environment.evaluate(problem, completion, mode);
        Map<String, Double> components = new LinkedHashMap<>();
        expected.get("components").fields().forEachRemaining(f -> components.put(f.getKey(), f.getValue().asDouble()));
        assertThat(evaluation.reward()).as(label).isEqualTo(expected.get("reward").asDouble());
        assertThat(evaluation.success()).as(label).isEqualTo(expected.get("success").asBoolean());
        assertThat(evaluation.components()).as(label).isEqualTo(components);
      }
      assertThat(gpuCalls.get() > 0).as(label + " consulted the GPU").isEqualTo(expected.get("evaluated_on_gpu").asBoolean());
      compared++;
    }
    assertThat(compared).isGreaterThan(100);
  }
}
