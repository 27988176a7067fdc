package dev.quarry.env.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** Writes small Parquet files in the HF datasets' schemas with parquet-java, for the tests. */
final class TestParquet {

  private TestParquet() {}

  /** The pyarrow-written fixtures committed under src/test/resources/datasets/hf (see PROVENANCE.json there). */
  static Path pyarrowFixtures() {
    try {
      return Path.of(TestParquet.class.getResource("/datasets/hf").toURI());
    } catch (URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Columns: name to kind ("string", "int32", "int64", "strings"). */
  static MessageType schema(Map<String, String> columns) {
    Types.MessageTypeBuilder builder = Types.buildMessage();
    columns.forEach((name, kind) -> {
      switch (kind) {
        case "string" -> builder.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
        case "int32" -> builder.optional(PrimitiveTypeName.INT32).named(name);
        case "int64" -> builder.optional(PrimitiveTypeName.INT64).named(name);
        case "strings" -> builder.optionalList().optionalElement(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
        default -> throw new IllegalArgumentException(kind);
      }
    });
    return builder.named("schema");
  }

  /** Writes rows (column to value; null values are left out, i.e. null) to {@code file}. */
  static void write(Path file, Map<String, String> columns, List<Map<String, Object>> rows) {
    MessageType schema = schema(columns);
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        for (Map<String, Object> row : rows) {
          Group group = groups.newGroup();
          for (Map.Entry<String, Object> value : row.entrySet()) {
            if (value.getValue() == null) {
              continue;
            }
            switch (columns.get(value.getKey())) {
              case "string" -> group.append(value.getKey(), (String) value.getValue());
              case "int32" -> group.append(value.getKey(), ((Number) value.getValue()).intValue());
              case "int64" -> group.append(value.getKey(), ((Number) value.getValue()).longValue());
              case "strings" -> {
                Group list = group.addGroup(value.getKey());
                for (Object element : (List<?>) value.getValue()) {
                  list.addGroup("list").append("element", (String) element);
                }
              }
              default -> throw new IllegalArgumentException(value.getKey());
            }
          }
          writer.write(group);
        }
      }
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
