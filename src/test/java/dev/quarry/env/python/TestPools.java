package dev.quarry.env.python;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Worker pools shared by the tests of this package (start-up costs are paid once). The interpreter
 * is {@code -Dquarry.test.python=...}, else {@code $QUARRY_TEST_PYTHON}, else {@code python3};
 * tests skip with a reason when it is missing.
 */
final class TestPools {

  private static PythonWorkerPool sandbox;
  private static PythonWorkerPool sympy;
  private static Boolean available;

  private TestPools() {}

  static String python() {
    String configured = System.getProperty("quarry.test.python");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("QUARRY_TEST_PYTHON");
    }
    return configured == null || configured.isBlank() ? "python3" : configured;
  }

  static synchronized void assumePython() {
    if (available == null) {
      try {
        Process probe = new ProcessBuilder(python(), "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 3)")
            .redirectErrorStream(true).start();
        available = probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
      } catch (Exception missing) {
        available = false;
      }
    }
    Assumptions.assumeTrue(available, () -> python() + " (Python >= 3.8) is not available; the sandbox tests need it");
  }

  /** Settings for tests: short executor grace and a modest memory limit. */
  static PythonWorkerSettings settings() {
    return PythonWorkerSettings.defaults().withExecutable(python()).withWorkers(4)
        .withMemoryLimitBytes(512L << 20).withExecutorGrace(Duration.ofSeconds(2));
  }

  static synchronized PythonWorkerPool sandbox() {
    assumePython();
    if (sandbox == null) {
      sandbox = PythonWorkerPool.start(settings());
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    }
    return sandbox;
  }

  static synchronized PythonWorkerPool sympy() {
    assumePython();
    if (sympy == null) {
      sympy = PythonWorkerPool.start(settings().withWorkers(2).withPreloadSympy(true).withMemoryLimitBytes(1L << 30));
      Runtime.getRuntime().addShutdownHook(new Thread(sympy::close));
    }
    return sympy;
  }
}
