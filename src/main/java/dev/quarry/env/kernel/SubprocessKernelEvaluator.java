package dev.quarry.env.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.KernelEvaluation;
import dev.quarry.env.KernelEvaluator;
import dev.quarry.env.python.PythonWorkerException;
import dev.quarry.env.python.WorkerProcess;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh worker process per evaluation, pinned to the first configured GPU
 * ({@code KERNEL_EVAL_BACKEND=subprocess}, the reference's {@code SubprocessBackend}). A CUDA
 * sticky error can never outlive its process; an evaluation whose error looks like one is retried
 * in a new process, three attempts in all. As in the reference, a timeout or a process that dies
 * without answering is an ordinary failed evaluation here, not an infrastructure error.
 */
public final class SubprocessKernelEvaluator implements KernelEvaluator {

  private static final Logger LOG = LoggerFactory.getLogger(SubprocessKernelEvaluator.class);
  private static final int ATTEMPTS = 3;

  private final KernelWorkerSettings settings;

  public SubprocessKernelEvaluator(KernelWorkerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public KernelEvaluation evaluate(String pytorchCode, String tritonCode) {
    KernelEvaluation result = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      result = once(pytorchCode, tritonCode);
      if (!KernelWorkers.sticky(result.error())) {
        return result;
      }
      LOG.warn("CUDA sticky error on GPU {} (attempt {}), retrying in a fresh process", settings.gpuIds().get(0), attempt);
    }
    return result;
  }

  private KernelEvaluation once(String pytorchCode, String tritonCode) {
    WorkerProcess worker;
    try {
      worker = KernelWorkers.start(settings, settings.gpuIds().get(0), true);
    } catch (PythonWorkerException cannotStart) {
      return new KernelEvaluation(false, false, cannotStart.getMessage(), null, false);
    }
    try {
      String problem = KernelWorkers.initProblem(worker);
      if (problem != null) {
        return new KernelEvaluation(false, false, problem, null, false);
      }
      JsonNode reply = worker.call(KernelWorkers.request(pytorchCode, tritonCode), settings.timeout());
      return KernelWorkers.result(reply);
    } catch (PythonWorkerException failed) {
      return new KernelEvaluation(false, false, KernelWorkers.timedOut(failed) ? "timeout" : "no_result", null, false);
    } finally {
      worker.kill();
    }
  }
}
