package dev.quarry.storage.window;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads window files written by any Grail miner (pyarrow's writer or ours), with the checks the
 * reference reader applies and clear errors for everything else:
 *
 * <ul>
 *   <li>the stored object must pass the 200 B to 350 MiB size gate; a {@code .gz} key is gunzipped
 *       (and the unpacked file must also stay under 350 MiB, so a gzip bomb cannot exhaust memory);
 *   <li>rows with a null {@code rollout_group} reject the whole file, as in the reference;
 *   <li>footer {@code window_start}, {@code window_length}, {@code inference_count} must parse as
 *       integers and {@code timestamp} as a float when present (missing ones read as the reference's
 *       defaults: empty wallet, zeros);
 *   <li>columns are found by name; integer widths are not enforced (values must fit), lists may be
 *       three-level (standard) or two-level (legacy writers).
 * </ul>
 *
 * <p>Stricter than the reference on purpose: any other null value is refused ("row 4:
 * commit.rollout.advantage is null"), since our row model has no nulls and no honest writer emits
 * them. Rows are numbered from 0 in messages.
 */
public final class WindowFileReader {

  private WindowFileReader() {}

  /**
   * Reads a stored object: gunzips it first when {@code key} ends with {@code .gz}. The size gate
   * applies to the stored bytes, as validators apply it to the object's ContentLength.
   */
  public static WindowFile readObject(String key, byte[] stored) throws WindowFileException {
    checkSize(stored.length, "stored object " + key);
    byte[] parquet = key.endsWith(".gz") ? gunzip(key, stored) : stored;
    return parse(parquet);
  }

  /** Reads plain Parquet bytes (size gate applied). */
  public static WindowFile read(byte[] parquet) throws WindowFileException {
    checkSize(parquet.length, "window file");
    return parse(parquet);
  }

  private static void checkSize(long size, String what) throws WindowFileException {
    if (!WindowFiles.sizeAccepted(size)) {
      throw new WindowFileException(what + " is " + size + " bytes; window files must be between "
          + WindowFiles.MIN_FILE_BYTES + " bytes and 350 MiB");
    }
  }

  private static byte[] gunzip(String key, byte[] stored) throws WindowFileException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > WindowFiles.MAX_FILE_BYTES) {
          throw new WindowFileException(key + " unpacks to more than 350 MiB");
        }
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    } catch (WindowFileException exception) {
      throw exception;
    } catch (IOException exception) {
      throw new WindowFileException(key + " is not valid gzip: " + exception.getMessage(), exception);
    }
  }

  private static WindowFile parse(byte[] parquet) throws WindowFileException {
    List<Group> groups = new ArrayList<>();
    MessageType schema;
    Map<String, String> footer;
    try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryFiles.Input(parquet),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      footer = reader.getFooter().getFileMetaData().getKeyValueMetaData();
      MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore rowGroup;
      while ((rowGroup = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = columns.getRecordReader(rowGroup, new GroupRecordConverter(schema));
        for (long i = 0; i < rowGroup.getRowCount(); i++) {
          groups.add(records.read());
        }
      }
    } catch (IOException | RuntimeException exception) {
      throw new WindowFileException("not a readable Parquet file: " + exception.getMessage(), exception);
    }
    requireColumns(schema);
    rejectNullRolloutGroups(groups);
    List<RolloutRow> rows = new ArrayList<>(groups.size());
    for (int i = 0; i < groups.size(); i++) {
      rows.add(new RowReader(i, groups.get(i)).row());
    }
    return new WindowFile(
        footer.getOrDefault(WindowSchema.WALLET, ""),
        footerInteger(footer, WindowSchema.WINDOW_START),
        Math.toIntExact(footerInteger(footer, WindowSchema.WINDOW_LENGTH)),
        footerFloat(footer, WindowSchema.TIMESTAMP),
        rows);
  }

  private static void requireColumns(MessageType schema) throws WindowFileException {
    for (Type field : WindowSchema.SCHEMA.getFields()) {
      if (!schema.containsField(field.getName())) {
        throw new WindowFileException("window file has no column '" + field.getName() + "'");
      }
    }
  }

  private static void rejectNullRolloutGroups(List<Group> groups) throws WindowFileException {
    int nulls = 0;
    int first = -1;
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).getFieldRepetitionCount("rollout_group") == 0) {
        nulls++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (nulls > 0) {
      throw new WindowFileException("row " + first + ": rollout_group is null (" + nulls + " of " + groups.size()
          + " rows have no rollout_group; the file is rejected)");
    }
  }

  private static long footerInteger(Map<String, String> footer, String key) throws WindowFileException {
    String value = footer.get(key);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException exception) {
      throw new WindowFileException("footer " + key + " is not an integer: '" + value + "'");
    }
  }

  private static double footerFloat(Map<String, String> footer, String key) throws WindowFileException {
    String value = footer.get(key);
    if (value == null) {
      return 0.0;
    }
    String text = value.strip().toLowerCase(Locale.ROOT);
    String unsigned = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
    double sign = text.startsWith("-") ? -1 : 1;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    try {
      if (!unsigned.isEmpty() && (Character.isDigit(unsigned.charAt(0)) || unsigned.charAt(0) == '.')) {
        return Double.parseDouble(text.replace("_", ""));
      }
    } catch (NumberFormatException exception) {
      // fall through to the error below
    }
    throw new WindowFileException("footer " + key + " is not a number: '" + value + "'");
  }

  /** Converts one record, naming the row and field path in every error. */
  private static final class RowReader {
    private final int row;
    private final Group group;

    RowReader(int row, Group group) {
      this.row = row;
      this.group = group;
    }

    RolloutRow row() throws WindowFileException {
      Group commit = group(group, "commit", "commit");
      Group model = group(commit, "model", "commit.model");
      Group rollout = group(commit, "rollout", "commit.rollout");
      return new RolloutRow(
          int64(group, "window_start", "window_start"),
          int64(group, "block", "block"),
          int64(group, "nonce", "nonce"),
          string(group, "block_hash", "block_hash"),
          string(group, "randomness", "randomness"),
          bool(group, "use_drand", "use_drand"),
          int64(group, "rollout_group", "rollout_group"),
          int32(group, "rollout_index", "rollout_index"),
          int32(group, "total_in_group", "total_in_group"),
          int64(group, "checkpoint_window", "checkpoint_window"),
          new RolloutCommit(
              intList(commit, "tokens", "commit.tokens"),
              string(commit, "commitments", "commit.commitments"),
              string(commit, "proof_version", "commit.proof_version"),
              new ModelInfo(string(model, "name", "commit.model.name"),
                  int32(model, "layer_index", "commit.model.layer_index")),
              string(commit, "signature", "commit.signature"),
              string(commit, "beacon", "commit.beacon"),
              new RolloutResult(
                  float64(rollout, "total_reward", "commit.rollout.total_reward"),
                  float64(rollout, "advantage", "commit.rollout.advantage"),
                  bool(rollout, "success", "commit.rollout.success"),
                  floatList(rollout, "token_logprobs", "commit.rollout.token_logprobs"),
                  int32(rollout, "prompt_length", "commit.rollout.prompt_length"),
                  int32(rollout, "completion_length", "commit.rollout.completion_length"))),
          float64(group, "timestamp", "timestamp"),
          string(group, "challenge", "challenge"),
          string(group, "hotkey", "hotkey"),
          string(group, "signature", "signature"));
    }

    private int present(Group parent, String name, String path) throws WindowFileException {
      GroupType type = parent.getType();
      if (!type.containsField(name)) {
        throw new WindowFileException("row " + row + ": the file has no field " + path);
      }
      int index = type.getFieldIndex(name);
      if (parent.getFieldRepetitionCount(index) == 0) {
        throw new WindowFileException("row " + row + ": " + path + " is null");
      }
      return index;
    }

    private Group group(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      if (parent.getType().getType(index).isPrimitive()) {
        throw new WindowFileException("row " + row + ": " + path + " is not a struct");
      }
      return parent.getGroup(index, 0);
    }

    private long int64(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      return integerAt(parent, index, 0, path);
    }

    private int int32(Group parent, String name, String path) throws WindowFileException {
      long value = int64(parent, name, path);
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw new WindowFileException("row " + row + ": " + path + " = " + value + " does not fit in int32");
      }
      return (int) value;
    }

    private long integerAt(Group parent, int index, int repetition, String path) throws WindowFileException {
      PrimitiveType.PrimitiveTypeName type = primitive(parent, index, path);
      return switch (type) {
        case INT32 -> parent.getInteger(index, repetition);
        case INT64 -> parent.getLong(index, repetition);
        default -> throw new WindowFileException("row " + row + ": " + path + " is " + type + ", not an integer");
      };
    }

    private double float64(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      return floatingAt(parent, index, 0, path);
    }

    private double floatingAt(Group parent, int index, int repetition, String path) throws WindowFileException {
      PrimitiveType.PrimitiveTypeName type = primitive(parent, index, path);
      return switch (type) {
        case DOUBLE -> parent.getDouble(index, repetition);
        case FLOAT -> parent.getFloat(index, repetition);
        case INT32 -> parent.getInteger(index, repetition);
        case INT64 -> parent.getLong(index, repetition);
        default -> throw new WindowFileException("row " + row + ": " + path + " is " + type + ", not a number");
      };
    }

    private boolean bool(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      if (primitive(parent, index, path) != PrimitiveType.PrimitiveTypeName.BOOLEAN) {
        throw new WindowFileException("row " + row + ": " + path + " is not a boolean");
      }
      return parent.getBoolean(index, 0);
    }

    private String string(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      if (primitive(parent, index, path) != PrimitiveType.PrimitiveTypeName.BINARY) {
        throw new WindowFileException("row " + row + ": " + path + " is not a string");
      }
      return parent.getBinary(index, 0).toStringUsingUTF8();
    }

    private PrimitiveType.PrimitiveTypeName primitive(Group parent, int index, String path) throws WindowFileException {
      Type type = parent.getType().getType(index);
      if (!type.isPrimitive()) {
        throw new WindowFileException("row " + row + ": " + path + " is a struct, expected a value");
      }
      return type.asPrimitiveType().getPrimitiveTypeName();
    }

    /** The elements of a list column: each item is a (parent group, field index) to read a value from. */
    private List<Item> items(Group parent, String name, String path) throws WindowFileException {
      int index = present(parent, name, path);
      Type listType = parent.getType().getType(index);
      List<Item> items = new ArrayList<>();
      if (listType.isPrimitive()) {
        throw new WindowFileException("row " + row + ": " + path + " is not a list");
      }
      Group list = parent.getGroup(index, 0);
      GroupType listGroup = list.getType();
      if (listGroup.getFieldCount() != 1 || !listGroup.getType(0).isRepetition(Type.Repetition.REPEATED)) {
        throw new WindowFileException("row " + row + ": " + path + " is not a list");
      }
      int count = list.getFieldRepetitionCount(0);
      Type repeated = listGroup.getType(0);
      for (int i = 0; i < count; i++) {
        if (repeated.isPrimitive()) {
          items.add(new Item(list, 0, i));
        } else {
          Group element = list.getGroup(0, i);
          if (element.getType().getFieldCount() != 1) {
            throw new WindowFileException("row " + row + ": " + path + " has list items with several fields");
          }
          if (element.getFieldRepetitionCount(0) == 0) {
            throw new WindowFileException("row " + row + ": " + path + "[" + i + "] is null");
          }
          items.add(new Item(element, 0, 0));
        }
      }
      return items;
    }

    private int[] intList(Group parent, String name, String path) throws WindowFileException {
      List<Item> items = items(parent, name, path);
      int[] values = new int[items.size()];
      for (int i = 0; i < values.length; i++) {
        Item item = items.get(i);
        long value = integerAt(item.group, item.field, item.repetition, path + "[" + i + "]");
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
          throw new WindowFileException("row " + row + ": " + path + "[" + i + "] = " + value + " does not fit in int32");
        }
        values[i] = (int) value;
      }
      return values;
    }

    private float[] floatList(Group parent, String name, String path) throws WindowFileException {
      List<Item> items = items(parent, name, path);
      float[] values = new float[items.size()];
      for (int i = 0; i < values.length; i++) {
        Item item = items.get(i);
        // a float64 list (non-reference writer) narrows to float32, as the reference's schema cast does
        values[i] = (float) floatingAt(item.group, item.field, item.repetition, path + "[" + i + "]");
      }
      return values;
    }

    private record Item(Group group, int field, int repetition) {}
  }
}
