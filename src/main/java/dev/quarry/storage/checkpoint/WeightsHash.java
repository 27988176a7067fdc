package dev.quarry.storage.checkpoint;

import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.python.PythonText;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.openhft.hashing.Access;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * The checkpoint weights hash: XXH3-128 (seed 0) over every tensor's raw little-endian bytes,
 * tensors taken in sorted name order, rendered as the 32-character lowercase hex digest Python's
 * {@code xxhash.xxh3_128().hexdigest()} prints (the 128-bit value big-endian: high half first).
 *
 * <p>The reference feeds tensors one by one to a streaming hasher, which equals hashing their
 * concatenation. zero-allocation-hashing's XXH3-128 is one-shot only, so we present the tensors
 * (usually memory-mapped slices of a multi-gigabyte file) to it as one virtual byte sequence instead
 * of copying them together.
 */
public final class WeightsHash {

  private static final LongTupleHashFunction XXH3_128 = LongTupleHashFunction.xx128();

  private WeightsHash() {}

  /** The hex digest of the concatenation of {@code parts}, in the order given. */
  public static String ofConcatenation(List<ByteBuffer> parts) {
    Concatenation input = new Concatenation(parts);
    long[] result = XXH3_128.hash(input, ConcatenationAccess.INSTANCE, 0, input.length);
    return hex(result);
  }

  /**
   * The weights hash of a state: tensors sorted by name (code point order, as Python sorts str),
   * each contributing its raw bytes.
   */
  public static String ofTensors(Map<String, ByteBuffer> tensorsByName) {
    List<String> names = new ArrayList<>(tensorsByName.keySet());
    names.sort(PythonText.ORDER);
    List<ByteBuffer> parts = new ArrayList<>(names.size());
    for (String name : names) {
      parts.add(tensorsByName.get(name));
    }
    return ofConcatenation(parts);
  }

  /** The hex digest of one byte array. */
  public static String of(byte[] bytes) {
    return hex(XXH3_128.hashBytes(bytes));
  }

  private static String hex(long[] lowHigh) {
    return Hex.encode(ByteBuffer.allocate(16).putLong(lowHigh[1]).putLong(lowHigh[0]).array());
  }

  /** Byte sequences laid end to end; remembers the last segment used, since reads are mostly sequential. */
  static final class Concatenation {
    private final ByteBuffer[] segments;
    private final long[] starts;
    final long length;
    private int current;

    Concatenation(List<ByteBuffer> parts) {
      List<ByteBuffer> nonEmpty = new ArrayList<>();
      for (ByteBuffer part : parts) {
        if (part.remaining() > 0) {
          nonEmpty.add(part.slice().order(ByteOrder.LITTLE_ENDIAN));
        }
      }
      segments = nonEmpty.toArray(new ByteBuffer[0]);
      starts = new long[segments.length + 1];
      for (int i = 0; i < segments.length; i++) {
        starts[i + 1] = starts[i] + segments[i].remaining();
      }
      length = starts[segments.length];
    }

    private int segmentOf(long offset) {
      if (offset >= starts[current] && offset < starts[current + 1]) {
        return current;
      }
      int low = 0;
      int high = segments.length - 1;
      while (low < high) {
        int middle = (low + high + 1) >>> 1;
        if (starts[middle] <= offset) {
          low = middle;
        } else {
          high = middle - 1;
        }
      }
      current = low;
      return low;
    }

    int byteAt(long offset) {
      int segment = segmentOf(offset);
      return segments[segment].get((int) (offset - starts[segment]));
    }

    long longAt(long offset) {
      int segment = segmentOf(offset);
      long local = offset - starts[segment];
      if (offset + 8 <= starts[segment + 1]) {
        return segments[segment].getLong((int) local);
      }
      long value = 0;
      for (int i = 7; i >= 0; i--) {
        value = (value << 8) | (byteAt(offset + i) & 0xFF);
      }
      return value;
    }

    int intAt(long offset) {
      int segment = segmentOf(offset);
      long local = offset - starts[segment];
      if (offset + 4 <= starts[segment + 1]) {
        return segments[segment].getInt((int) local);
      }
      int value = 0;
      for (int i = 3; i >= 0; i--) {
        value = (value << 8) | (byteAt(offset + i) & 0xFF);
      }
      return value;
    }
  }

  /** Little-endian reads from a {@link Concatenation}; the only byte order XXH3 asks for. */
  static final class ConcatenationAccess extends Access<Concatenation> {
    static final ConcatenationAccess INSTANCE = new ConcatenationAccess();

    @Override
    public long getLong(Concatenation input, long offset) {
      return input.longAt(offset);
    }

    @Override
    public long getUnsignedInt(Concatenation input, long offset) {
      return input.intAt(offset) & 0xFFFFFFFFL;
    }

    @Override
    public int getInt(Concatenation input, long offset) {
      return input.intAt(offset);
    }

    @Override
    public int getUnsignedShort(Concatenation input, long offset) {
      return (input.byteAt(offset) & 0xFF) | (input.byteAt(offset + 1) & 0xFF) << 8;
    }

    @Override
    public int getShort(Concatenation input, long offset) {
      return (short) getUnsignedShort(input, offset);
    }

    @Override
    public int getUnsignedByte(Concatenation input, long offset) {
      return input.byteAt(offset) & 0xFF;
    }

    @Override
    public int getByte(Concatenation input, long offset) {
      return input.byteAt(offset);
    }

    @Override
    public ByteOrder byteOrder(Concatenation input) {
      return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    protected Access<Concatenation> reverseAccess() {
      throw new UnsupportedOperationException("XXH3 reads little-endian only");
    }
  }
}
