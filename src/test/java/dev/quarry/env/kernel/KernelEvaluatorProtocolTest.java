package dev.quarry.env.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.env.KernelEvaluation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel worker protocol and both backends' recovery rules, with the worker script's runtime
 * replaced by protocol_test_runtime.py (no GPU or torch exists here): hangs, crashes, CUDA sticky
 * errors, recycling, start-up failures. GPU ids only set CUDA_VISIBLE_DEVICES for the workers.
 */
class KernelEvaluatorProtocolTest {

  @TempDir Path temp;

  private static String python;

  @BeforeAll
  static void python() throws Exception {
    python = System.getenv().getOrDefault("QUARRY_TEST_PYTHON", "python3");
    boolean available;
    try {
      Process probe = new ProcessBuilder(python, "-c", "pass").start();
      available = probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (Exception missing) {
      available = false;
    }
    Assumptions.assumeTrue(available, python + " is not available");
  }

  private static Path resource(String name) {
    try {
      return Path.of(KernelEvaluatorProtocolTest.class.getResource(name).toURI());
    } catch (URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static KernelWorkerSettings settings(List<Integer> gpus) {
    return KernelWorkerSettings.of(python, gpus, Duration.ofSeconds(1)).withRuntimeModule(resource("protocol_test_runtime.py"));
  }

  @Test
  void persistentWorkersAnswerAndKeepTheirProcess() {
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(settings(List.of(0)))) {
      KernelEvaluation first = evaluator.evaluate("class Model: pass", "class ModelNew: pass");
      KernelEvaluation wrong = evaluator.evaluate("class Model: pass", "WRONG");
      assertThat(first.correct()).isTrue();
      assertThat(first.maxDiff()).isEqualTo(0.0);
      assertThat(wrong.correct()).isFalse();
      assertThat(wrong.compiled()).isTrue();
      assertThat(wrong.maxDiff()).isEqualTo(0.5);
      assertThat(wrong.infrastructureError()).isFalse();
      assertThat(evaluator.replacedWorkers()).isZero();
    }
  }

  @Test
  void persistentTimeoutsAndCrashesAreInfrastructureErrorsAndTheWorkerIsReplaced() {
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(settings(List.of(0)))) {
      KernelEvaluation hung = evaluator.evaluate("m", "HANG");
      assertThat(hung.infrastructureError()).isTrue();
      assertThat(hung.error()).isEqualTo("timeout");
      KernelEvaluation crashed = evaluator.evaluate("m", "CRASH");
      assertThat(crashed.infrastructureError()).isTrue();
      assertThat(evaluator.evaluate("m", "fine").correct()).isTrue();
      assertThat(evaluator.replacedWorkers()).isEqualTo(2);
    }
  }

  @Test
  void aStickyCudaErrorIsReportedAndThePoisonedWorkerReplaced() {
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(settings(List.of(0)))) {
      KernelEvaluation sticky = evaluator.evaluate("m", "STICKY");
      assertThat(sticky.correct()).isFalse();
      assertThat(sticky.infrastructureError()).isFalse();
      assertThat(sticky.error()).contains("device-side assert");
      assertThat(evaluator.replacedWorkers()).isEqualTo(1);
      assertThat(evaluator.evaluate("m", "fine").correct()).isTrue();
    }
  }

  @Test
  void workersAreRecycledAndGpusUsedInTurn() {
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(settings(List.of(0, 1)).withMaxEvaluationsPerWorker(2))) {
      for (int i = 0; i < 4; i++) {
        assertThat(evaluator.evaluate("m", "fine").correct()).isTrue();
      }
      // Two evaluations per GPU in turn, so both workers reached their limit.
      assertThat(evaluator.replacedWorkers()).isEqualTo(2);
    }
  }

  @Test
  void aWorkerThatCannotStartMakesEveryEvaluationAnInfrastructureError() {
    KernelWorkerSettings broken = KernelWorkerSettings.of(python, List.of(0), Duration.ofSeconds(2))
        .withRuntimeModule(resource("broken_runtime.py"));
    try (PersistentKernelEvaluator evaluator = PersistentKernelEvaluator.start(broken)) {
      KernelEvaluation result = evaluator.evaluate("m", "fine");
      assertThat(result.infrastructureError()).isTrue();
      assertThat(result.error()).contains("worker_init_failed").contains("No module named 'torch'");
    }
  }

  @Test
  void subprocessBackendRetriesStickyErrorsInFreshProcesses() {
    SubprocessKernelEvaluator evaluator = new SubprocessKernelEvaluator(settings(List.of(3)));
    Path marker = temp.resolve("sticky-seen");
    KernelEvaluation result = evaluator.evaluate("m", "STICKY_ONCE:" + marker);
    assertThat(Files.exists(marker)).isTrue();
    assertThat(result.correct()).isTrue();
    KernelEvaluation always = evaluator.evaluate("m", "STICKY");
    assertThat(always.correct()).isFalse();
    assertThat(always.error()).contains("device-side assert");
  }

  @Test
  void subprocessTimeoutsAndCrashesAreOrdinaryFailures() {
    SubprocessKernelEvaluator evaluator = new SubprocessKernelEvaluator(settings(List.of(0)));
    KernelEvaluation hung = evaluator.evaluate("m", "HANG");
    assertThat(hung.error()).isEqualTo("timeout");
    assertThat(hung.infrastructureError()).isFalse();
    KernelEvaluation crashed = evaluator.evaluate("m", "CRASH");
    assertThat(crashed.error()).isEqualTo("no_result");
    assertThat(crashed.infrastructureError()).isFalse();
  }
}
