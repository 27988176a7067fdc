package dev.quarry.storage.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * New values for some elements of one tensor. Positions index the tensor flattened row-major (the
 * same as row * columns + column in the {@code [shape[0], prod(shape[1:])]} view the codec uses);
 * values are raw little-endian elements of {@link #valueType()}, one per position, in order.
 * Deltas store the values themselves, not differences, so applying one is assignment.
 *
 * <p>The positions array is taken over without a copy (it can be very large); callers must not
 * modify it afterwards. {@link #positions()} returns a copy.
 */
public record TensorDelta(String name, long[] shape, long[] positions, DeltaValueType valueType, ByteBuffer values) {

  public TensorDelta {
    shape = shape.clone();
    // positions are not copied: deltas of large models hold hundreds of millions of them
    values = values.slice().order(ByteOrder.LITTLE_ENDIAN);
    if ((long) positions.length * valueType.byteWidth() != values.remaining()) {
      throw new IllegalArgumentException("tensor '" + name + "': " + positions.length + " positions but "
          + values.remaining() + " value bytes of " + valueType.headerName());
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long[] positions() {
    return positions.clone();
  }

  /** Read-only view of the raw values. */
  @Override
  public ByteBuffer values() {
    return values.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  public int count() {
    return positions.length;
  }

  /** Rows of the codec's 2-D view: {@code shape[0]}, or 1 for a 0-d tensor. */
  public long rows() {
    return rowsOf(shape);
  }

  /** Columns of the codec's 2-D view: the product of {@code shape[1:]} (1 for 0-d and 1-d tensors). */
  public long columns() {
    return columnsOf(shape);
  }

  static long rowsOf(long[] shape) {
    return shape.length == 0 ? 1 : shape[0];
  }

  static long columnsOf(long[] shape) {
    long columns = 1;
    for (int i = 1; i < shape.length; i++) {
      columns = Math.multiplyExact(columns, shape[i]);
    }
    return Math.max(1, columns);
  }

  long position(int index) {
    return positions[index];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorDelta that
        && name.equals(that.name)
        && Arrays.equals(shape, that.shape)
        && Arrays.equals(positions, that.positions)
        && valueType == that.valueType
        && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(positions);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + " (" + positions.length + " " + valueType.headerName() + " values)";
  }
}
