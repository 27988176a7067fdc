package dev.quarry.env.python;

import java.time.Duration;
import java.util.Objects;

/**
 * How Python workers are started and contained.
 *
 * @param executable the interpreter ({@code python3} by default; CPython 3.12 matches validators)
 * @param workers worker processes, each serving one request at a time
 * @param memoryLimitBytes address-space limit ({@code RLIMIT_AS}) of each request's child; 0 for none
 * @param fileSizeLimitBytes largest file a child may write ({@code RLIMIT_FSIZE})
 * @param executorGrace slack added to {@code timeout × tests} before a run that swallowed its
 *     alarms is abandoned; the reference executor waits {@code timeout × tests + 30 s}
 * @param sympyTimeout how long one sympy comparison may take (the reference has no limit)
 * @param isolateNetwork put workers in a network namespace without interfaces when the kernel allows it
 * @param dropPrivileges when started as root, run requests as {@code nobody} (if the interpreter is
 *     readable by other users)
 * @param syscallFilter refuse process creation, program execution, sockets, signals to other
 *     processes, file writes and administrative calls in requests (seccomp; x86_64 and aarch64 Linux)
 * @param preloadSympy import sympy at start-up (for MATH); code sandboxes leave it out
 * @param startupTimeout how long a worker may take to start and report
 */
public record PythonWorkerSettings(
    String executable,
    int workers,
    long memoryLimitBytes,
    long fileSizeLimitBytes,
    Duration executorGrace,
    Duration sympyTimeout,
    boolean isolateNetwork,
    boolean dropPrivileges,
    boolean syscallFilter,
    boolean preloadSympy,
    Duration startupTimeout) {

  /**
   * How deep user code may recurse inside the reference's pool worker on CPython 3.12 (measured by
   * the vector generator); workers shift their recursion limit so the same code recurses as deep.
   */
  public static final int REFERENCE_RECURSION_DEPTH = 991;

  public PythonWorkerSettings {
    Objects.requireNonNull(executable, "executable");
    Objects.requireNonNull(executorGrace, "executorGrace");
    Objects.requireNonNull(sympyTimeout, "sympyTimeout");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    if (executable.isBlank()) {
      throw new IllegalArgumentException("the Python executable is empty; set QUARRY_PYTHON or leave it unset for python3");
    }
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("Python workers must be between 1 and 256, got " + workers);
    }
    if (memoryLimitBytes < 0 || fileSizeLimitBytes < 0) {
      throw new IllegalArgumentException("Python worker limits must not be negative");
    }
  }

  /** The miner's defaults: {@code python3}, 4 workers (as the reference miner), 2 GiB, reference grace 30 s. */
  public static PythonWorkerSettings defaults() {
    return new PythonWorkerSettings("python3", 4, 2L << 30, 16L << 20, Duration.ofSeconds(30), Duration.ofSeconds(10),
        true, true, true, false, Duration.ofSeconds(60));
  }

  public PythonWorkerSettings withExecutable(String value) {
    return new PythonWorkerSettings(value, workers, memoryLimitBytes, fileSizeLimitBytes, executorGrace, sympyTimeout,
        isolateNetwork, dropPrivileges, syscallFilter, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withWorkers(int value) {
    return new PythonWorkerSettings(executable, value, memoryLimitBytes, fileSizeLimitBytes, executorGrace, sympyTimeout,
        isolateNetwork, dropPrivileges, syscallFilter, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withMemoryLimitBytes(long value) {
    return new PythonWorkerSettings(executable, workers, value, fileSizeLimitBytes, executorGrace, sympyTimeout,
        isolateNetwork, dropPrivileges, syscallFilter, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withExecutorGrace(Duration value) {
    return new PythonWorkerSettings(executable, workers, memoryLimitBytes, fileSizeLimitBytes, value, sympyTimeout,
        isolateNetwork, dropPrivileges, syscallFilter, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withSympyTimeout(Duration value) {
    return new PythonWorkerSettings(executable, workers, memoryLimitBytes, fileSizeLimitBytes, executorGrace, value,
        isolateNetwork, dropPrivileges, syscallFilter, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withSyscallFilter(boolean value) {
    return new PythonWorkerSettings(executable, workers, memoryLimitBytes, fileSizeLimitBytes, executorGrace, sympyTimeout,
        isolateNetwork, dropPrivileges, value, preloadSympy, startupTimeout);
  }

  public PythonWorkerSettings withPreloadSympy(boolean value) {
    return new PythonWorkerSettings(executable, workers, memoryLimitBytes, fileSizeLimitBytes, executorGrace, sympyTimeout,
        isolateNetwork, dropPrivileges, syscallFilter, value, startupTimeout);
  }
}
