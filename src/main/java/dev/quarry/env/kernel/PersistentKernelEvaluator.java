package dev.quarry.env.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.KernelEvaluation;
import dev.quarry.env.KernelEvaluator;
import dev.quarry.env.python.PythonWorkerException;
import dev.quarry.env.python.WorkerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived kernel worker per GPU, keeping its CUDA context between evaluations
 * ({@code KERNEL_EVAL_BACKEND=persistent}, the reference's {@code PersistentWorkerPool}).
 * Evaluations go round-robin over the GPUs. A worker is replaced when a CUDA canary after an
 * evaluation fails (a sticky error poisoned its context), when it crashes or overruns the
 * timeout (those evaluations come back as infrastructure errors, so the miner drops the group as
 * the reference miner does), and after {@link KernelWorkerSettings#maxEvaluationsPerWorker()}
 * evaluations. Thread-safe; each GPU evaluates one kernel at a time.
 */
public final class PersistentKernelEvaluator implements KernelEvaluator, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentKernelEvaluator.class);

  private static final class Slot {
    final int gpuId;
    WorkerProcess worker;
    int evaluations;

    Slot(int gpuId) {
      this.gpuId = gpuId;
    }
  }

  private final KernelWorkerSettings settings;
  private final List<Slot> slots = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger replaced = new AtomicInteger();
  private volatile boolean closed;

  private PersistentKernelEvaluator(KernelWorkerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    for (int gpuId : settings.gpuIds()) {
      slots.add(new Slot(gpuId));
    }
  }

  /** Starts one worker per GPU; a worker that fails to start is retried at its first evaluation. */
  public static PersistentKernelEvaluator start(KernelWorkerSettings settings) {
    PersistentKernelEvaluator evaluator = new PersistentKernelEvaluator(settings);
    for (Slot slot : evaluator.slots) {
      synchronized (slot) {
        String problem = evaluator.ensureWorker(slot);
        if (problem != null) {
          LOG.warn("kernel worker for GPU {} did not start: {}", slot.gpuId, problem);
        } else {
          LOG.info("kernel worker for GPU {} ready: {}", slot.gpuId, slot.worker.greeting());
        }
      }
    }
    return evaluator;
  }

  /** Workers replaced since start (sticky errors, crashes, timeouts, recycling). */
  public int replacedWorkers() {
    return replaced.get();
  }

  @Override
  public KernelEvaluation evaluate(String pytorchCode, String tritonCode) {
    if (closed) {
      return KernelEvaluation.infrastructure("evaluator closed");
    }
    Slot slot = slots.get(Math.floorMod(next.getAndIncrement(), slots.size()));
    synchronized (slot) {
      String problem = ensureWorker(slot);
      if (problem != null) {
        return KernelEvaluation.infrastructure("worker_init_failed: " + problem);
      }
      JsonNode reply;
      try {
        reply = slot.worker.call(KernelWorkers.request(pytorchCode, tritonCode), settings.timeout());
      } catch (PythonWorkerException failed) {
        LOG.warn("kernel worker for GPU {} failed ({}); replacing it", slot.gpuId, failed.getMessage());
        discard(slot);
        return KernelEvaluation.infrastructure(KernelWorkers.timedOut(failed) ? "timeout" : "worker_recv_failed");
      }
      slot.evaluations++;
      if (reply.path("cuda_corrupted").asBoolean(false)) {
        LOG.warn("kernel worker for GPU {} reports a corrupted CUDA context; replacing it", slot.gpuId);
        discard(slot);
      } else if (settings.maxEvaluationsPerWorker() > 0 && slot.evaluations >= settings.maxEvaluationsPerWorker()) {
        discard(slot);
      }
      return KernelWorkers.result(reply);
    }
  }

  /** Starts the slot's worker if it has none; returns why it could not, or null. */
  private String ensureWorker(Slot slot) {
    if (slot.worker != null && slot.worker.alive()) {
      return null;
    }
    if (slot.worker != null) {
      discard(slot);
    }
    try {
      WorkerProcess worker = KernelWorkers.start(settings, slot.gpuId, false);
      String problem = KernelWorkers.initProblem(worker);
      if (problem != null) {
        worker.kill();
        return problem;
      }
      slot.worker = worker;
      slot.evaluations = 0;
      return null;
    } catch (PythonWorkerException failed) {
      return failed.getMessage();
    }
  }

  private void discard(Slot slot) {
    if (slot.worker != null) {
      slot.worker.kill();
      slot.worker = null;
      replaced.incrementAndGet();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Slot slot : slots) {
      synchronized (slot) {
        if (slot.worker != null) {
          slot.worker.close();
          slot.worker = null;
        }
      }
    }
  }
}
