package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The tensor operations the transformer is written in, as thin calls into libtorch. Results are
 * owned by the first operand's manager, so callers scope them with an {@code NDScope}.
 */
final class Nd {

  private Nd() {}

  /** Inputs with at most this many rows take the transposed product (see {@link #linear}). */
  static final long SKINNY_ROWS = 256;
  /** ... when each row is at least this wide; narrower products cost less than the extra copy. */
  static final long SKINNY_MIN_INPUTS = 256;

  /**
   * {@code x @ weight^T + bias} (bias may be null), as torch.nn.functional.linear. For few rows
   * (decoding) of enough width it computes {@code (weight @ x^T)^T} instead: the same dot products,
   * but MKL runs a tall-by-skinny product 25-50% faster here than a skinny-by-wide one.
   */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    long[] shape = x.getShape().getShape();
    long inputs = shape[shape.length - 1];
    long rows = x.size() / Math.max(1, inputs);
    if (rows > 1 && rows <= SKINNY_ROWS && inputs >= SKINNY_MIN_INPUTS) {
      long outputs = weight.getShape().get(0);
      NDArray transposed = weight.matMul(x.reshape(rows, inputs).transpose());
      // reshape(-1) copies the [outputs, rows] product into row-major [rows, outputs] order.
      NDArray out = transposed.transpose().reshape(-1).reshape(rows, outputs);
      if (bias != null) {
        out = out.add(bias);
      }
      long[] outShape = shape.clone();
      outShape[outShape.length - 1] = outputs;
      return out.reshape(outShape);
    }
    NDList out = bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias);
    return out.singletonOrThrow();
  }

  /** Rows of {@code table} selected by integer ids: torch.nn.functional.embedding. */
  static NDArray embedding(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** A view of {@code x} narrowed to [start, end) along {@code axis}; no copy. */
  static NDArray narrow(NDArray x, int axis, long start, long end) {
    int resolved = axis < 0 ? axis + x.getShape().dimension() : axis;
    return JniUtils.slice((PtNDArray) x, resolved, start, end, 1);
  }

  /** RMSNorm over the last axis: w * (x / sqrt(mean(x^2) + eps)), as transformers computes it. */
  static NDArray rmsNorm(NDArray x, NDArray weight, double epsilon) {
    // x first, so the result belongs to the caller's (scoped) manager rather than the weight's.
    return rmsNorm(x, epsilon).mul(weight);
  }

  /**
   * RMSNorm without its weight (for norms whose weight was folded into the next projection). The
   * mean square comes from one norm() pass rather than squaring the whole tensor.
   */
  static NDArray rmsNorm(NDArray x, double epsilon) {
    long width = x.getShape().get(x.getShape().dimension() - 1);
    NDArray norm = JniUtils.norm((PtNDArray) x, 2, new int[] {-1}, true);
    NDArray inverse = norm.square().div((float) width).add((float) epsilon).sqrt();
    return x.mul(inverse.getNDArrayInternal().rdiv(1f));
  }

  /** SiLU(x) = x * sigmoid(x). */
  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** torch.where(condition, a, b) with broadcasting (DJL's NDArrays.where refuses to broadcast). */
  static NDArray where(NDArray condition, NDArray a, NDArray b) {
    return JniUtils.where((PtNDArray) condition, (PtNDArray) a, (PtNDArray) b);
  }

  /** rotate_half: (x1, x2) -> (-x2, x1) over the last axis. */
  static NDArray rotateHalf(NDArray x) {
    long half = x.getShape().getShape()[x.getShape().dimension() - 1] / 2;
    NDArray first = narrow(x, -1, 0, half);
    NDArray second = narrow(x, -1, half, 2 * half);
    return second.neg().concat(first, -1);
  }

  /** x * cos + rotate_half(x) * sin, with cos/sin broadcast against x. */
  static NDArray rotary(NDArray x, NDArray cos, NDArray sin) {
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }
}
