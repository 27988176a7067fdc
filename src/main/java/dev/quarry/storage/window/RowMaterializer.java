package dev.quarry.storage.window;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Turns Parquet records straight into {@link RolloutRow}s: values land in reusable slots (token and
 * log-probability lists in growable primitive arrays), with no per-value objects, which matters for
 * validators reading files of hundreds of megabytes. Converters are built from the file's own schema,
 * so integer widths, list layouts (three- or two-level) and extra columns from other writers are
 * accepted; a missing or null required value is reported with its row and path.
 */
final class RowMaterializer extends RecordMaterializer<RolloutRow> {

  /** What a leaf of the reference schema holds. */
  enum Kind {
    INTEGER, FLOATING, BOOLEAN, STRING, INTEGER_LIST, FLOAT_LIST
  }

  /** Every leaf path of the reference schema and its kind, in schema order. */
  static final Map<String, Kind> LEAVES = new java.util.LinkedHashMap<>();
  private static final List<String> GROUPS = List.of("commit", "commit.model", "commit.rollout");

  static {
    LEAVES.put("window_start", Kind.INTEGER);
    LEAVES.put("block", Kind.INTEGER);
    LEAVES.put("nonce", Kind.INTEGER);
    LEAVES.put("block_hash", Kind.STRING);
    LEAVES.put("randomness", Kind.STRING);
    LEAVES.put("use_drand", Kind.BOOLEAN);
    LEAVES.put("rollout_group", Kind.INTEGER);
    LEAVES.put("rollout_index", Kind.INTEGER);
    LEAVES.put("total_in_group", Kind.INTEGER);
    LEAVES.put("checkpoint_window", Kind.INTEGER);
    LEAVES.put("commit.tokens", Kind.INTEGER_LIST);
    LEAVES.put("commit.commitments", Kind.STRING);
    LEAVES.put("commit.proof_version", Kind.STRING);
    LEAVES.put("commit.model.name", Kind.STRING);
    LEAVES.put("commit.model.layer_index", Kind.INTEGER);
    LEAVES.put("commit.signature", Kind.STRING);
    LEAVES.put("commit.beacon", Kind.STRING);
    LEAVES.put("commit.rollout.total_reward", Kind.FLOATING);
    LEAVES.put("commit.rollout.advantage", Kind.FLOATING);
    LEAVES.put("commit.rollout.success", Kind.BOOLEAN);
    LEAVES.put("commit.rollout.token_logprobs", Kind.FLOAT_LIST);
    LEAVES.put("commit.rollout.prompt_length", Kind.INTEGER);
    LEAVES.put("commit.rollout.completion_length", Kind.INTEGER);
    LEAVES.put("timestamp", Kind.FLOATING);
    LEAVES.put("challenge", Kind.STRING);
    LEAVES.put("hotkey", Kind.STRING);
    LEAVES.put("signature", Kind.STRING);
  }

  private final Map<String, Integer> slotOf = new HashMap<>();
  private final boolean[] present = new boolean[LEAVES.size()];
  private final long[] integers = new long[LEAVES.size()];
  private final double[] floats = new double[LEAVES.size()];
  private final boolean[] booleans = new boolean[LEAVES.size()];
  private final String[] strings = new String[LEAVES.size()];
  private final IntArray tokens = new IntArray();
  private final FloatArray logprobs = new FloatArray();
  private final Map<String, Boolean> groupPresent = new HashMap<>();
  private final GroupConverter root;

  private long row = -1;
  private String rowError;
  private int nullRolloutGroups;
  private long firstNullRolloutGroup = -1;
  private String firstError;

  RowMaterializer(MessageType fileSchema) throws WindowFileException {
    int slot = 0;
    for (String path : LEAVES.keySet()) {
      slotOf.put(path, slot++);
    }
    checkColumns(fileSchema);
    root = new Group("", fileSchema, () -> {
      row++;
      Arrays.fill(present, false);
      tokens.clear();
      logprobs.clear();
      GROUPS.forEach(group -> groupPresent.put(group, false));
      rowError = null;
    });
  }

  /** Every reference column must exist with a compatible physical type. */
  private static void checkColumns(MessageType schema) throws WindowFileException {
    for (Map.Entry<String, Kind> leaf : LEAVES.entrySet()) {
      String[] path = leaf.getKey().split("\\.");
      Type type = schema;
      for (String part : path) {
        if (type.isPrimitive() || !type.asGroupType().containsField(part)) {
          throw new WindowFileException("window file has no column " + leaf.getKey());
        }
        type = type.asGroupType().getType(part);
      }
      Kind kind = leaf.getValue();
      if (kind == Kind.INTEGER_LIST || kind == Kind.FLOAT_LIST) {
        type = listElement(leaf.getKey(), type);
      }
      if (!type.isPrimitive()) {
        throw new WindowFileException("column " + leaf.getKey() + " is a struct, expected " + kind);
      }
      PrimitiveTypeName physical = type.asPrimitiveType().getPrimitiveTypeName();
      boolean compatible = switch (kind) {
        case INTEGER, INTEGER_LIST -> physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64;
        case FLOATING, FLOAT_LIST -> physical == PrimitiveTypeName.FLOAT || physical == PrimitiveTypeName.DOUBLE
            || physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64;
        case BOOLEAN -> physical == PrimitiveTypeName.BOOLEAN;
        case STRING -> physical == PrimitiveTypeName.BINARY;
      };
      if (!compatible) {
        throw new WindowFileException("column " + leaf.getKey() + " is " + physical + ", which cannot hold " + kind);
      }
    }
  }

  /** The element type of a list column, three-level (standard) or two-level (legacy). */
  private static Type listElement(String path, Type list) throws WindowFileException {
    if (list.isPrimitive() || list.asGroupType().getFieldCount() != 1
        || !list.asGroupType().getType(0).isRepetition(Type.Repetition.REPEATED)) {
      throw new WindowFileException("column " + path + " is not a list");
    }
    Type repeated = list.asGroupType().getType(0);
    if (repeated.isPrimitive()) {
      return repeated;
    }
    if (repeated.asGroupType().getFieldCount() != 1) {
      throw new WindowFileException("column " + path + " has list items with several fields");
    }
    return repeated.asGroupType().getType(0);
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  @Override
  public RolloutRow getCurrentRecord() {
    if (!present[slotOf.get("rollout_group")]) {
      nullRolloutGroups++;
      if (firstNullRolloutGroup < 0) {
        firstNullRolloutGroup = row;
      }
      return null;
    }
    String error = rowError != null ? rowError : missing();
    if (error != null) {
      if (firstError == null) {
        firstError = "row " + row + ": " + error;
      }
      return null;
    }
    try {
      return new RolloutRow(integer("window_start"), integer("block"), integer("nonce"), string("block_hash"),
          string("randomness"), bool("use_drand"), integer("rollout_group"), int32("rollout_index"),
          int32("total_in_group"), integer("checkpoint_window"),
          new RolloutCommit(tokens.toArray(), string("commit.commitments"), string("commit.proof_version"),
              new ModelInfo(string("commit.model.name"), int32("commit.model.layer_index")), string("commit.signature"),
              string("commit.beacon"),
              new RolloutResult(floating("commit.rollout.total_reward"), floating("commit.rollout.advantage"),
                  bool("commit.rollout.success"), logprobs.toArray(), int32("commit.rollout.prompt_length"),
                  int32("commit.rollout.completion_length"))),
          floating("timestamp"), string("challenge"), string("hotkey"), string("signature"));
    } catch (IllegalStateException exception) {
      if (firstError == null) {
        firstError = "row " + row + ": " + exception.getMessage();
      }
      return null;
    }
  }

  /** The first missing value in schema order, or null. */
  private String missing() {
    for (String group : GROUPS) {
      if (!groupPresent.get(group)) {
        return group + " is null";
      }
    }
    for (String path : LEAVES.keySet()) {
      if (!present[slotOf.get(path)]) {
        return path + " is null";
      }
    }
    return null;
  }

  /** The file-level verdict after all rows were read: null-group rejection first, then any other error. */
  String failure(long rows) {
    if (nullRolloutGroups > 0) {
      return "row " + firstNullRolloutGroup + ": rollout_group is null (" + nullRolloutGroups + " of " + rows
          + " rows have no rollout_group; the file is rejected)";
    }
    return firstError;
  }

  private long integer(String path) {
    return integers[slotOf.get(path)];
  }

  private int int32(String path) {
    long value = integer(path);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalStateException(path + " = " + value + " does not fit in int32");
    }
    return (int) value;
  }

  private double floating(String path) {
    return floats[slotOf.get(path)];
  }

  private boolean bool(String path) {
    return booleans[slotOf.get(path)];
  }

  private String string(String path) {
    return strings[slotOf.get(path)];
  }

  // ------------------------------------------------------------------ converters

  /** A struct (or the record itself): children by the file's field order. */
  private final class Group extends GroupConverter {
    private final Converter[] children;
    private final Runnable onStart;

    Group(String path, GroupType type, Runnable onStart) {
      this.onStart = onStart;
      children = new Converter[type.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        Type field = type.getType(i);
        String childPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
        children[i] = converterFor(childPath, field);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      onStart.run();
    }

    @Override
    public void end() {}
  }

  private Converter converterFor(String path, Type field) {
    if (GROUPS.contains(path)) {
      return new Group(path, field.asGroupType(), () -> groupPresent.put(path, true));
    }
    Kind kind = LEAVES.get(path);
    if (kind == null) {
      return field.isPrimitive() ? new Ignored() : new IgnoredGroup(field.asGroupType());
    }
    int slot = slotOf.get(path);
    return switch (kind) {
      case INTEGER -> new Leaf() {
        @Override
        public void addInt(int value) {
          addLong(value);
        }

        @Override
        public void addLong(long value) {
          integers[slot] = value;
          present[slot] = true;
        }
      };
      case FLOATING -> new Leaf() {
        @Override
        public void addDouble(double value) {
          floats[slot] = value;
          present[slot] = true;
        }

        @Override
        public void addFloat(float value) {
          addDouble(value);
        }

        @Override
        public void addInt(int value) {
          addDouble(value);
        }

        @Override
        public void addLong(long value) {
          addDouble(value);
        }
      };
      case BOOLEAN -> new Leaf() {
        @Override
        public void addBoolean(boolean value) {
          booleans[slot] = value;
          present[slot] = true;
        }
      };
      case STRING -> new Leaf() {
        @Override
        public void addBinary(Binary value) {
          strings[slot] = value.toStringUsingUTF8();
          present[slot] = true;
        }
      };
      case INTEGER_LIST -> new ListColumn(path, field.asGroupType(), slot, new Leaf() {
        @Override
        public void addInt(int value) {
          tokens.add(value);
        }

        @Override
        public void addLong(long value) {
          if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            rowError = path + " holds " + value + ", which does not fit in int32";
          }
          tokens.add((int) value);
        }
      });
      case FLOAT_LIST -> new ListColumn(path, field.asGroupType(), slot, new Leaf() {
        @Override
        public void addFloat(float value) {
          logprobs.add(value);
        }

        @Override
        public void addDouble(double value) {
          logprobs.add((float) value); // narrowed like the reference schema's float32 cast
        }

        @Override
        public void addInt(int value) {
          logprobs.add(value);
        }

        @Override
        public void addLong(long value) {
          logprobs.add(value);
        }
      });
    };
  }

  /** A list column; a null element (an item with no value) is an error for the row. */
  private final class ListColumn extends GroupConverter {
    private final Converter child;
    private final int slot;

    ListColumn(String path, GroupType list, int slot, Leaf element) {
      this.slot = slot;
      Type repeated = list.getType(0);
      if (repeated.isPrimitive()) {
        child = element;
      } else {
        child = new GroupConverter() {
          private boolean valueSeen;
          private final Converter tracked = new Leaf() {
            @Override
            public void addInt(int value) {
              valueSeen = true;
              element.addInt(value);
            }

            @Override
            public void addLong(long value) {
              valueSeen = true;
              element.addLong(value);
            }

            @Override
            public void addFloat(float value) {
              valueSeen = true;
              element.addFloat(value);
            }

            @Override
            public void addDouble(double value) {
              valueSeen = true;
              element.addDouble(value);
            }
          };

          @Override
          public Converter getConverter(int fieldIndex) {
            return tracked;
          }

          @Override
          public void start() {
            valueSeen = false;
          }

          @Override
          public void end() {
            if (!valueSeen && rowError == null) {
              rowError = path + " has a null item";
            }
          }
        };
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return child;
    }

    @Override
    public void start() {
      present[slot] = true;
    }

    @Override
    public void end() {}
  }

  /** Values a leaf does not expect are refused (checkColumns rules this out for reference columns). */
  private abstract static class Leaf extends PrimitiveConverter {}

  private static final class Ignored extends PrimitiveConverter {
    @Override
    public void addBinary(Binary value) {}

    @Override
    public void addBoolean(boolean value) {}

    @Override
    public void addDouble(double value) {}

    @Override
    public void addFloat(float value) {}

    @Override
    public void addInt(int value) {}

    @Override
    public void addLong(long value) {}
  }

  private static final class IgnoredGroup extends GroupConverter {
    private final Converter[] children;

    IgnoredGroup(GroupType type) {
      children = new Converter[type.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        Type field = type.getType(i);
        children[i] = field.isPrimitive() ? new Ignored() : new IgnoredGroup(field.asGroupType());
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }

  /** A growable int array (no boxing). */
  private static final class IntArray {
    private int[] values = new int[1024];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    void clear() {
      size = 0;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** A growable float array (no boxing). */
  private static final class FloatArray {
    private float[] values = new float[1024];
    private int size;

    void add(float value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    void clear() {
      size = 0;
    }

    float[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
