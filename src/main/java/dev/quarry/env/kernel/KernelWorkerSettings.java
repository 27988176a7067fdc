package dev.quarry.env.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How GPU kernel workers are started.
 *
 * @param python an interpreter with torch and triton ({@code QUARRY_KERNEL_PYTHON})
 * @param gpuIds physical GPU indices, one worker each ({@code KERNEL_EVAL_GPU_IDS})
 * @param timeout how long one evaluation may take ({@code KERNEL_EVAL_TIMEOUT}, 60 s)
 * @param maxEvaluationsPerWorker persistent workers are replaced after this many (100, as the reference)
 * @param startupTimeout how long importing torch and initialising CUDA may take
 * @param runtimeModule a Python file replacing the torch runtime; only for protocol tests without a GPU
 */
public record KernelWorkerSettings(
    String python, List<Integer> gpuIds, Duration timeout, int maxEvaluationsPerWorker, Duration startupTimeout,
    Optional<Path> runtimeModule) {

  public KernelWorkerSettings {
    Objects.requireNonNull(python, "python");
    gpuIds = List.copyOf(gpuIds);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    Objects.requireNonNull(runtimeModule, "runtimeModule");
    if (gpuIds.isEmpty()) {
      throw new IllegalArgumentException("GPU kernel evaluation needs at least one GPU: set KERNEL_EVAL_GPU_IDS (e.g. 0 or 0,1)");
    }
  }

  /** The reference's defaults around the given interpreter and GPUs. */
  public static KernelWorkerSettings of(String python, List<Integer> gpuIds, Duration timeout) {
    return new KernelWorkerSettings(python, gpuIds, timeout, 100, Duration.ofMinutes(5), Optional.empty());
  }

  public KernelWorkerSettings withMaxEvaluationsPerWorker(int value) {
    return new KernelWorkerSettings(python, gpuIds, timeout, value, startupTimeout, runtimeModule);
  }

  public KernelWorkerSettings withRuntimeModule(Path module) {
    return new KernelWorkerSettings(python, gpuIds, timeout, maxEvaluationsPerWorker, startupTimeout, Optional.of(module));
  }
}
