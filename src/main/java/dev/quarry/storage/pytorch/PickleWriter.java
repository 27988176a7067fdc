package dev.quarry.storage.pytorch;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits protocol-2 pickle opcodes the way Python's pickler does for a {@code torch.save} state
 * dict: strings as BINUNICODE, small integers as BININT1/BININT2/BININT, tuples of up to three
 * items as TUPLE1-3, dict items in batches of 1,000 under SETITEMS, and every global and
 * repeated string memoized once.
 */
final class PickleWriter {

  private static final int BATCH = 1000;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Map<String, Integer> memoByKey = new HashMap<>();
  private int memoSize;

  PickleWriter() {
    out.write(0x80);
    out.write(2);
  }

  byte[] finish() {
    out.write('.');
    return out.toByteArray();
  }

  void emptyDict() {
    out.write('}');
    memoize();
  }

  void mark() {
    out.write('(');
  }

  /** SETITEMS after {@code count} key/value pairs were pushed since the mark. */
  void setItems() {
    out.write('u');
  }

  void setItem() {
    out.write('s');
  }

  static int batchSize() {
    return BATCH;
  }

  /** A string; the same string twice is written once and fetched from the memo after that. */
  void string(String value, boolean reuse) {
    if (reuse && fetch("s:" + value)) {
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    int32(utf8.length);
    out.writeBytes(utf8);
    int index = memoize();
    if (reuse) {
      memoByKey.put("s:" + value, index);
    }
  }

  void global(String module, String name) {
    if (fetch("g:" + module + "." + name)) {
      return;
    }
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    memoByKey.put("g:" + module + "." + name, memoize());
  }

  void integer(long value) {
    if (value >= 0 && value < 0x100) {
      out.write('K');
      out.write((int) value);
    } else if (value >= 0 && value < 0x10000) {
      out.write('M');
      out.write((int) (value & 0xff));
      out.write((int) (value >>> 8));
    } else if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      out.write('J');
      int32((int) value);
    } else {
      // LONG1: two's-complement little-endian, as short as possible.
      byte[] bigEndian = BigInteger.valueOf(value).toByteArray();
      out.write(0x8a);
      out.write(bigEndian.length);
      for (int i = bigEndian.length - 1; i >= 0; i--) {
        out.write(bigEndian[i]);
      }
    }
  }

  void bool(boolean value) {
    out.write(value ? 0x88 : 0x89);
  }

  void tupleOfIntegers(long[] values) {
    if (values.length == 0) {
      out.write(')');
      return;
    }
    if (values.length > 3) {
      out.write('(');
    }
    for (long value : values) {
      integer(value);
    }
    out.write(switch (values.length) {
      case 1 -> 0x85;
      case 2 -> 0x86;
      case 3 -> 0x87;
      default -> 't';
    });
    memoize();
  }

  void emptyTuple() {
    out.write(')');
  }

  /** TUPLE over everything since the last mark, memoized as Python's pickler does. */
  void tupleFromMark() {
    out.write('t');
    memoize();
  }

  void persistentId() {
    out.write('Q');
  }

  void reduce() {
    out.write('R');
    memoize();
  }

  private boolean fetch(String key) {
    Integer index = memoByKey.get(key);
    if (index == null) {
      return false;
    }
    if (index < 0x100) {
      out.write('h');
      out.write(index);
    } else {
      out.write('j');
      int32(index);
    }
    return true;
  }

  private int memoize() {
    int index = memoSize++;
    if (index < 0x100) {
      out.write('q');
      out.write(index);
    } else {
      out.write('r');
      int32(index);
    }
    return index;
  }

  private void int32(int value) {
    out.write(value & 0xff);
    out.write((value >>> 8) & 0xff);
    out.write((value >>> 16) & 0xff);
    out.write((value >>> 24) & 0xff);
  }

  static List<String> storageTypeNames() {
    return List.copyOf(Pickle.STORAGE_TYPES.keySet());
  }
}
