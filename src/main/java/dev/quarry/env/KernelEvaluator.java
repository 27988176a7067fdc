package dev.quarry.env;

/**
 * Checks a generated Triton kernel against its PyTorch reference on a GPU, as the reference's
 * evaluation backends do ({@code run_kernel_eval}): seed 42 before building each model, 3 trials
 * with inputs seeded 42, 43, 44, outputs compared by maximum absolute difference with tolerance
 * 1e-2. {@code dev.quarry.env.kernel} implements it with persistent or per-evaluation GPU workers.
 * Implementations must be safe to call from several threads.
 */
@FunctionalInterface
public interface KernelEvaluator {

  /** Seeds model weights and the first trial's inputs ({@code KERNEL_EVAL_SEED}). */
  long SEED = 42;
  /** Largest accepted absolute difference ({@code KERNEL_EVAL_TOLERANCE}). */
  double TOLERANCE = 1e-2;
  /** Trials with fresh inputs ({@code KERNEL_EVAL_NUM_TRIALS}). */
  int TRIALS = 3;

  /**
   * Evaluates {@code tritonCode} (which must define {@code ModelNew}) against {@code pytorchCode}
   * (the KernelBench row: {@code Model}, {@code get_inputs}, {@code get_init_inputs}). Never throws
   * for bad kernels; failures of the evaluator itself come back with {@code infrastructureError}.
   */
  KernelEvaluation evaluate(String pytorchCode, String tritonCode);
}
