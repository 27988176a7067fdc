package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The block after attention in a decoder layer: a dense SwiGLU MLP or a sparse mixture of experts. */
interface FeedForward {

  /**
   * The block's output for residual-stream rows {@code x} ([..., hidden], before the
   * post-attention norm, which the block applies). Sparse blocks add their router logits to
   * {@code routerLogits} when it is not null.
   */
  NDArray apply(NDArray x, List<NDArray> routerLogits);

  /** Number of float32 weights held. */
  long elementCount();
}
