package dev.quarry.env.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet file (as pyarrow writes them for the hub: any codec parquet-java knows, arrow
 * lists) into rows of plain Java values: {@code String} for byte arrays, {@code Long} for integers,
 * {@code Double}, {@code Boolean}, {@code List} for lists, {@code Map} for structs, null for nulls.
 */
public final class ParquetRows {

  private ParquetRows() {}

  /**
   * One row.
   *
   * @param file the file it came from
   * @param index its position in the file
   * @param values column name to value
   */
  public record Row(Path file, long index, Map<String, Object> values) {

    /** The column as text; {@code fallback} when the column is absent; null when the value is null. */
    public String text(String column, String fallback) {
      if (!values.containsKey(column)) {
        return fallback;
      }
      Object value = values.get(column);
      if (value == null || value instanceof String) {
        return (String) value;
      }
      throw wrong(column, "text", value);
    }

    /** The column as a whole number; {@code fallback} when absent; null when the value is null. */
    public Long integer(String column, Long fallback) {
      if (!values.containsKey(column)) {
        return fallback;
      }
      Object value = values.get(column);
      if (value == null || value instanceof Long) {
        return (Long) value;
      }
      throw wrong(column, "a whole number", value);
    }

    /** The column as a list of texts; {@code fallback} when absent; null when the value is null. */
    public List<String> texts(String column, List<String> fallback) {
      if (!values.containsKey(column)) {
        return fallback;
      }
      Object value = values.get(column);
      if (value == null) {
        return null;
      }
      if (!(value instanceof List<?> list)) {
        throw wrong(column, "a list of texts", value);
      }
      List<String> texts = new ArrayList<>();
      for (Object element : list) {
        if (element != null && !(element instanceof String)) {
          throw wrong(column, "a list of texts", value);
        }
        texts.add((String) element);
      }
      return texts;
    }

    /** An error naming this row. */
    public DatasetFormatException problem(String what) {
      return new DatasetFormatException(file + ", row " + index + ": " + what);
    }

    private DatasetFormatException wrong(String column, String expected, Object value) {
      return problem("column '" + column + "' should hold " + expected + " but holds a " + value.getClass().getSimpleName());
    }
  }

  /** Every row of the file, in order. */
  public static List<Row> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(file + " is not a file");
    }
    List<Row> rows = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore pages;
      long index = 0;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = columns.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          rows.add(new Row(file, index++, Collections.unmodifiableMap(struct(records.read(), schema))));
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      if (unreadable instanceof DatasetFormatException known) {
        throw known;
      }
      throw new DatasetFormatException(file + " is not a readable Parquet file (" + unreadable.getMessage()
          + "); delete it and download the dataset again", unreadable);
    }
    return rows;
  }

  private static Map<String, Object> struct(Group group, GroupType type) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int field = 0; field < type.getFieldCount(); field++) {
      Type fieldType = type.getType(field);
      int count = group.getFieldRepetitionCount(field);
      if (fieldType.isRepetition(Type.Repetition.REPEATED)) {
        List<Object> repeated = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          repeated.add(value(group, field, i, fieldType));
        }
        values.put(fieldType.getName(), repeated);
      } else {
        values.put(fieldType.getName(), count == 0 ? null : value(group, field, 0, fieldType));
      }
    }
    return values;
  }

  private static Object value(Group group, int field, int index, Type type) {
    if (type.isPrimitive()) {
      return primitive(group, field, index, type.asPrimitiveType());
    }
    Group child = group.getGroup(field, index);
    GroupType childType = type.asGroupType();
    if (childType.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      return list(child, childType);
    }
    return struct(child, childType);
  }

  /** A LIST group: three-level ({@code list.element}) or legacy two-level (repeated element). */
  private static List<Object> list(Group group, GroupType type) {
    List<Object> elements = new ArrayList<>();
    if (type.getFieldCount() != 1) {
      return elements;
    }
    Type repeated = type.getType(0);
    int count = group.getFieldRepetitionCount(0);
    boolean threeLevel = !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
        && !repeated.getName().equals("array") && !repeated.getName().endsWith("_tuple");
    for (int i = 0; i < count; i++) {
      if (threeLevel) {
        Group wrapper = group.getGroup(0, i);
        Type element = repeated.asGroupType().getType(0);
        elements.add(wrapper.getFieldRepetitionCount(0) == 0 ? null : value(wrapper, 0, 0, element));
      } else {
        elements.add(value(group, 0, i, repeated));
      }
    }
    return elements;
  }

  private static Object primitive(Group group, int field, int index, PrimitiveType type) {
    return switch (type.getPrimitiveTypeName()) {
      case BINARY, FIXED_LEN_BYTE_ARRAY -> new String(group.getBinary(field, index).getBytes(), StandardCharsets.UTF_8);
      case INT32 -> (long) group.getInteger(field, index);
      case INT64 -> group.getLong(field, index);
      case BOOLEAN -> group.getBoolean(field, index);
      case FLOAT -> (double) group.getFloat(field, index);
      case DOUBLE -> group.getDouble(field, index);
      case INT96 -> group.getInt96(field, index).toString();
    };
  }
}
