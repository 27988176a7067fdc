package dev.quarry.env;

/**
 * The outcome of one GPU kernel evaluation ({@code EvalResult}).
 *
 * @param correct outputs matched the reference within tolerance on every trial
 * @param compiled the kernel code ran (false when it failed before producing outputs)
 * @param error what went wrong, or null
 * @param maxDiff the largest absolute difference seen, or null when not computed
 * @param infrastructureError the evaluation itself failed (worker crash, timeout, lost GPU); the
 *     result says nothing about the kernel and the reference miner drops the whole group
 */
public record KernelEvaluation(boolean correct, boolean compiled, String error, Double maxDiff, boolean infrastructureError) {

  /** An evaluation that failed for reasons unrelated to the kernel. */
  public static KernelEvaluation infrastructure(String error) {
    return new KernelEvaluation(false, false, error, null, true);
  }
}
