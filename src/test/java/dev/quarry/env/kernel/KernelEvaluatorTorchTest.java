package dev.quarry.env.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.EnvVectors;
import dev.quarry.env.KernelEvaluation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real torch runtime of the kernel worker against the reference's run_kernel_eval with its
 * standard check_correctness, both on torch's CPU device (no GPU exists on these machines, so
 * ModelNew is written in plain torch rather than Triton). Opt-in: set QUARRY_TEST_TORCH_PYTHON to an
 * interpreter with torch; skipped otherwise (CI has none).
 */
class KernelEvaluatorTorchTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_kernel_eval.json");
  private static String python;

  @BeforeAll
  static void torch() {
    python = System.getenv("QUARRY_TEST_TORCH_PYTHON");
    Assumptions.assumeTrue(python != null && !python.isBlank(),
        "set QUARRY_TEST_TORCH_PYTHON to a Python with torch to run the real kernel runtime (no GPU needed)");
  }

  @Test
  void outcomesMatchTheReferenceHarness() {
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(
        KernelWorkerSettings.of(python, List.of(0), Duration.ofSeconds(120)))) {
      for (JsonNode expected : VECTORS.get("cases")) {
        String name = expected.get("name").asText();
        KernelEvaluation result = evaluator.evaluate(expected.get("pytorch_code").asText(), expected.get("triton_code").asText());
        assertThat(result.infrastructureError()).as(name).isFalse();
        assertThat(result.correct()).as(name + " " + result.error()).isEqualTo(expected.get("correct").asBoolean());
        assertThat(result.compiled()).as(name).isEqualTo(expected.get("compiled").asBoolean());
        if (expected.get("error_prefix").isNull()) {
          assertThat(result.error()).as(name).isNull();
        } else {
          // Messages name temporary files; the part before the first ':' is the kind of failure.
          assertThat(result.error()).as(name).startsWith(expected.get("error_prefix").asText().split(":", 2)[0]);
        }
        if (expected.get("max_diff").isNull()) {
          assertThat(result.maxDiff()).as(name).isNull();
        } else {
          assertThat(result.maxDiff()).as(name).isCloseTo(expected.get("max_diff").asDouble(), within(1e-9));
        }
      }
    }
  }
}
