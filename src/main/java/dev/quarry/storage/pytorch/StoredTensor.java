package dev.quarry.storage.pytorch;

import dev.quarry.storage.safetensors.TensorDType;
import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of {@code shape} with
 * element {@code stride}s starting {@code storageOffset} elements into storage record
 * {@code storageKey}, which holds {@code storageElements} elements of {@code dtype}.
 */
public record StoredTensor(TensorDType dtype, long[] shape, long[] stride, long storageOffset, String storageKey,
    long storageElements) {

  public StoredTensor {
    shape = shape.clone();
    stride = stride.clone();
    if (shape.length != stride.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and stride " + Arrays.toString(stride)
          + " differ in rank");
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long[] stride() {
    return stride.clone();
  }

  /** Number of elements of the view. */
  public long elementCount() {
    long count = 1;
    for (long dimension : shape) {
      count = Math.multiplyExact(count, dimension);
    }
    return count;
  }

  /** Bytes of the view in C order. */
  public long byteLength() {
    return elementCount() * dtype.byteWidth();
  }

  /** Whether the view is one row-major run of its storage (then its bytes are a plain slice). */
  public boolean contiguous() {
    long expected = 1;
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      if (shape[axis] != 1 && stride[axis] != expected) {
        return false;
      }
      expected *= shape[axis];
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredTensor that && dtype == that.dtype && Arrays.equals(shape, that.shape)
        && Arrays.equals(stride, that.stride) && storageOffset == that.storageOffset && storageKey.equals(that.storageKey)
        && storageElements == that.storageElements;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + storageKey.hashCode();
  }

  @Override
  public String toString() {
    return dtype.code() + Arrays.toString(shape) + " @" + storageKey + "+" + storageOffset;
  }
}
