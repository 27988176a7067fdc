package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The SwiGLU MLP with the post-attention RMSNorm weight folded into the fused gate/up projection
 * ({@code [2 × intermediate, hidden]}): the same function as norm-then-project with one pass less.
 */
final class DenseMlp implements FeedForward {

  private final NDArray gateUpWeight;
  private final NDArray downWeight;
  private final long intermediate;
  private final double epsilon;

  DenseMlp(NDArray gateUpWeight, NDArray downWeight, long intermediate, double epsilon) {
    this.gateUpWeight = gateUpWeight;
    this.downWeight = downWeight;
    this.intermediate = intermediate;
    this.epsilon = epsilon;
  }

  @Override
  public NDArray apply(NDArray x, List<NDArray> routerLogits) {
    NDArray h = Nd.rmsNorm(x, epsilon);
    NDArray gateUp = Nd.linear(h, gateUpWeight, null);
    NDArray gate = Nd.narrow(gateUp, -1, 0, intermediate);
    NDArray up = Nd.narrow(gateUp, -1, intermediate, 2 * intermediate);
    return Nd.linear(Nd.silu(gate).mul(up), downWeight, null);
  }

  @Override
  public long elementCount() {
    return gateUpWeight.size() + downWeight.size();
  }
}
