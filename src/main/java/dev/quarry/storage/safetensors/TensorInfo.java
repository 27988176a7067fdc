package dev.quarry.storage.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its name, element type, shape, and where its
 * little-endian bytes sit relative to the start of the data section.
 */
public record TensorInfo(String name, TensorDType dtype, long[] shape, long dataBegin, long dataEnd) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    return elementCount(shape);
  }

  public long byteLength() {
    return dataEnd - dataBegin;
  }

  static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      count = Math.multiplyExact(count, dimension);
    }
    return count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorInfo that
        && name.equals(that.name)
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && dataBegin == that.dataBegin
        && dataEnd == that.dataEnd;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype.code() + Arrays.toString(shape);
  }
}
