package dev.quarry.storage.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named tensor to write: element type, shape and its raw little-endian bytes. The buffer may be a
 * slice mapped from another file, so large checkpoints are streamed rather than copied.
 */
public record TensorData(String name, TensorDType dtype, long[] shape, ByteBuffer data) {

  public TensorData {
    shape = shape.clone();
    long expected = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteWidth());
    if (data.remaining() != expected) {
      throw new IllegalArgumentException(
          "tensor " + name + " " + dtype.code() + Arrays.toString(shape) + " needs " + expected
              + " bytes but has " + data.remaining());
    }
    data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A float32 tensor from Java floats. */
  public static TensorData ofFloat32(String name, long[] shape, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return new TensorData(name, TensorDType.F32, shape, buffer);
  }

  /** A bfloat16 tensor narrowed from Java floats with round-to-nearest-even. */
  public static TensorData ofBfloat16(String name, long[] shape, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putShort(HalfPrecision.floatToBfloat16(value));
    }
    buffer.flip();
    return new TensorData(name, TensorDType.BF16, shape, buffer);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorData that
        && name.equals(that.name)
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && data().equals(that.data());
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
