package dev.quarry.env.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.env.DatasetTask;
import dev.quarry.env.Environment;
import dev.quarry.env.Evaluation;
import dev.quarry.env.Problem;
import dev.quarry.env.PythonCodeEnvironment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.TritonKernelEnvironment;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint env_id/env_params to live environments, over the pyarrow dataset fixtures and a real Python sandbox. */
class EnvironmentFactoryTest {

  @TempDir Path temp;
  private EnvironmentFactory factory;

  private static String python() {
    return System.getenv().getOrDefault("QUARRY_TEST_PYTHON", "python3");
  }

  @BeforeEach
  void create() throws Exception {
    Path fixtures;
    try {
      fixtures = Path.of(EnvironmentFactoryTest.class.getResource("/datasets/hf").toURI());
    } catch (URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
    QuarrySettings settings = QuarrySettings.from(OperatorEnvironment.of(Map.of(
        "QUARRY_DATASET_DIR", fixtures.toString(),
        "HF_HOME", temp.resolve("hf").toString(),
        "QUARRY_PYTHON", python(),
        "QUARRY_SANDBOX_WORKERS", "1")), temp);
    factory = EnvironmentFactory.fromSettings(settings);
  }

  @AfterEach
  void close() {
    factory.close();
  }

  private static void assumePython() throws Exception {
    boolean available;
    try {
      Process probe = new ProcessBuilder(python(), "-c", "pass").start();
      available = probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (Exception missing) {
      available = false;
    }
    Assumptions.assumeTrue(available, python() + " is not available");
  }

  @Test
  void humanEvalFromTheDatasetFilesScoresWithTheSandbox() throws Exception {
    assumePython();
    Environment humanEval = factory.environment("humaneval", EnvironmentParameters.of("train", false));
    Problem problem = humanEval.problem(5); // 5 mod 3 rows
    assertThat(((DatasetTask<?>) problem.details()).index()).isEqualTo(2);
    assertThat(problem.userPrompt()).isEqualTo("def h2():\n    \"\"\"d\"\"\"\n");
    Evaluation evaluation = humanEval.evaluate(problem,
        "<start_working_out>easy</end_working_out><SOLUTION>def h2():\n    return 2</SOLUTION>", ThinkingMode.INSTRUCTED);
    assertThat(evaluation.reward()).isEqualTo(1.0);
    assertThat(evaluation.success()).isTrue();
    assertThat(factory.environment("humaneval", EnvironmentParameters.of("train", false))).isSameAs(humanEval);
  }

  @Test
  void splitsFollowTheReferenceFactory() throws Exception {
    assumePython();
    Environment validation = factory.environment("mbpp", EnvironmentParameters.of("val", false));
    // HF validation (2 rows) followed by 20 % of the HF test split (3 rows → 1).
    assertThat(((DatasetTask<?>) validation.problem(0).details()).split().id()).isEqualTo("val");
    assertThat(factory.environment("python_code", EnvironmentParameters.defaults()).id()).isEqualTo(PythonCodeEnvironment.PYTHON_CODE_ID);
    assertThatThrownBy(() -> factory.environment("mbpp", EnvironmentParameters.of("test", false)))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("redistributed");
    Environment kernels = factory.environment("triton_kernel", EnvironmentParameters.of("all", false));
    assertThat(((TritonKernelEnvironment) kernels).evaluatesOnGpu()).isFalse();
    assertThatThrownBy(() -> factory.environment("triton_kernel", EnvironmentParameters.of("test", false)))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("'train', 'val', or 'all'");
    assertThat(factory.environment("gsm8k", EnvironmentParameters.of("test", false)).problem(0).userPrompt()).startsWith("T0");
  }

  @Test
  void whatThisMachineLacksIsSaidPlainly() {
    assertThatThrownBy(() -> factory.environment("triton_kernel", EnvironmentParameters.of("train", true)))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("KERNEL_EVAL_GPU_IDS");
    assertThatThrownBy(() -> factory.environment("math", EnvironmentParameters.defaults()))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("quarry datasets download math");
    assertThatThrownBy(() -> factory.environment("gsm8k", EnvironmentParameters.defaults()))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("fewer than the 250");
    assertThatThrownBy(() -> factory.environment("affine_trace", EnvironmentParameters.defaults()))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining("unknown environment");
    assertThat(factory.environment("sat", EnvironmentParameters.defaults()).problem(7).userPrompt()).startsWith("SAT Problem:");
  }
}
