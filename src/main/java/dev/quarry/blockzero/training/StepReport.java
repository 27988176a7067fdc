package dev.quarry.blockzero.training;

import java.time.Duration;

/**
 * One optimizer step: the version it built on, the inner step it completed, the mean loss of its
 * micro-batches (and its parts), the learning rate used, the gradient norm before clipping, the
 * tokens it consumed and how long it took.
 */
public record StepReport(long globalVersion, long innerStep, double loss, double crossEntropy, double auxLoss,
    double learningRate, double gradientNorm, long tokens, Duration duration) {

  public double tokensPerSecond() {
    return tokens / Math.max(1e-9, duration.toNanos() / 1e9);
  }
}
