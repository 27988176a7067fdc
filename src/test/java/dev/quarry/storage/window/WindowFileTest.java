package dev.quarry.storage.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.storage.StorageTestResources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;

class WindowFileTest {

  private static final JsonNode REFERENCE = StorageTestResources.json("window/reference-window.json");
  private static final byte[] REFERENCE_FILE = StorageTestResources.bytes("window/reference-window.parquet");

  private static ParquetMetadata footer(byte[] file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryFiles.Input(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      return reader.getFooter();
    }
  }

  @Test
  void readsTheFileTheReferenceWriterProduced() throws Exception {
    assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(REFERENCE_FILE)))
        .isEqualTo(REFERENCE.get("sha256").asText());
    WindowFile file = WindowFileReader.read(REFERENCE_FILE);
    JsonNode header = REFERENCE.get("reference_reader");
    assertThat(file.wallet()).isEqualTo(header.get("wallet").asText());
    assertThat(file.windowStart()).isEqualTo(header.get("window_start").asLong());
    assertThat(file.windowLength()).isEqualTo(header.get("window_length").asInt());
    assertThat(file.timestamp()).isEqualTo(header.get("timestamp").asDouble());
    assertThat(file.inferenceCount()).isEqualTo(header.get("inference_count").asInt());
    List<RolloutRow> expected = WindowFixtures.expectedReferenceRows(REFERENCE);
    assertThat(file.rows()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(file.rows().get(i)).as("row %d", i).isEqualTo(expected.get(i));
    }
    // the signed JSON texts come back byte for byte, including Python's spacing
    assertThat(file.rows().get(0).commit().commitmentsJson()).startsWith("[{\"sketch\": 14224}, {\"sketch\": -14224}");
    assertThat(file.rows().get(2).commit().tokenCount()).isZero();
  }

  @Test
  void ourSchemaIsTheReferenceSchemaColumnForColumn() throws IOException {
    byte[] ours = WindowFileWriter.write(WindowFixtures.sampleWindow(1));
    MessageType reference = footer(REFERENCE_FILE).getFileMetaData().getSchema();
    MessageType written = footer(ours).getFileMetaData().getSchema();
    assertThat(written).isEqualTo(reference);
    assertThat(written).isEqualTo(WindowSchema.SCHEMA);
    List<ColumnDescriptor> referenceColumns = reference.getColumns();
    List<ColumnDescriptor> ourColumns = written.getColumns();
    assertThat(ourColumns).hasSameSizeAs(referenceColumns);
    for (int i = 0; i < referenceColumns.size(); i++) {
      ColumnDescriptor expected = referenceColumns.get(i);
      ColumnDescriptor actual = ourColumns.get(i);
      assertThat(actual.getPath()).containsExactly(expected.getPath());
      PrimitiveType expectedType = expected.getPrimitiveType();
      assertThat(actual.getPrimitiveType().getPrimitiveTypeName()).isEqualTo(expectedType.getPrimitiveTypeName());
      assertThat(actual.getPrimitiveType().getLogicalTypeAnnotation()).isEqualTo(expectedType.getLogicalTypeAnnotation());
      assertThat(actual.getMaxDefinitionLevel()).isEqualTo(expected.getMaxDefinitionLevel());
      assertThat(actual.getMaxRepetitionLevel()).isEqualTo(expected.getMaxRepetitionLevel());
    }
    // and the same columns pyarrow described when it wrote the reference file
    JsonNode columns = REFERENCE.get("columns");
    assertThat(ourColumns).hasSize(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      assertThat(String.join(".", ourColumns.get(i).getPath())).isEqualTo(columns.get(i).get("path").asText());
      // parquet-java says BINARY where the Parquet spec (and pyarrow) say BYTE_ARRAY
      assertThat(ourColumns.get(i).getPrimitiveType().getPrimitiveTypeName().name().replace("BINARY", "BYTE_ARRAY"))
          .isEqualTo(columns.get(i).get("physical_type").asText());
      assertThat(ourColumns.get(i).getMaxDefinitionLevel()).isEqualTo(columns.get(i).get("max_definition_level").asInt());
      assertThat(ourColumns.get(i).getMaxRepetitionLevel()).isEqualTo(columns.get(i).get("max_repetition_level").asInt());
    }
  }

  @Test
  void footerKeysAndCodecMatchTheReference() throws IOException {
    WindowFile window = WindowFixtures.sampleWindow(2);
    ParquetMetadata ours = footer(WindowFileWriter.write(window));
    Map<String, String> referenceKeys = new HashMap<>(footer(REFERENCE_FILE).getFileMetaData().getKeyValueMetaData());
    assertThat(referenceKeys.remove("ARROW:schema")).isNotNull();
    assertThat(ours.getFileMetaData().getKeyValueMetaData()).containsOnlyKeys(referenceKeys.keySet());
    assertThat(ours.getFileMetaData().getKeyValueMetaData())
        .containsEntry("wallet", WindowFixtures.HOTKEY)
        .containsEntry("window_start", "7209960")
        .containsEntry("window_length", "30")
        .containsEntry("inference_count", "32")
        .containsEntry("timestamp", "1763811399.123456");
    for (BlockMetaData block : ours.getBlocks()) {
      for (ColumnChunkMetaData column : block.getColumns()) {
        assertThat(column.getCodec()).isEqualTo(CompressionCodecName.ZSTD);
      }
    }
    assertThat(footer(REFERENCE_FILE).getBlocks().get(0).getColumns().get(0).getCodec()).isEqualTo(CompressionCodecName.ZSTD);
  }

  @Test
  void writesAndReadsBackEveryField() throws IOException {
    WindowFile window = WindowFixtures.sampleWindow(3);
    byte[] bytes = WindowFileWriter.write(window);
    assertThat(WindowFiles.sizeAccepted(bytes.length)).isTrue();
    WindowFile back = WindowFileReader.read(bytes);
    assertThat(back).isEqualTo(window);
  }

  @Test
  void theGzipVariantIsReadFromADotGzKey() throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
      gzip.write(REFERENCE_FILE);
    }
    String key = WindowFiles.gzipKey(WindowFixtures.HOTKEY, 7_209_930);
    assertThat(WindowFileReader.readObject(key, packed.toByteArray()).rows()).hasSize(3);
    assertThatThrownBy(() -> WindowFileReader.readObject(key, REFERENCE_FILE))
        .isInstanceOf(WindowFileException.class).hasMessageContaining("not valid gzip");
  }

  @Test
  void theSizeGateRefusesTinyFiles() {
    assertThat(WindowFiles.sizeAccepted(199)).isFalse();
    assertThat(WindowFiles.sizeAccepted(200)).isTrue();
    assertThat(WindowFiles.sizeAccepted(350L * 1024 * 1024)).isTrue();
    assertThat(WindowFiles.sizeAccepted(350L * 1024 * 1024 + 1)).isFalse();
    assertThatThrownBy(() -> WindowFileReader.read(new byte[199]))
        .isInstanceOf(WindowFileException.class).hasMessageContaining("199 bytes");
  }

  @Test
  void garbageIsAClearError() {
    byte[] garbage = new byte[4096];
    java.util.Arrays.fill(garbage, (byte) 'x');
    assertThatThrownBy(() -> WindowFileReader.read(garbage))
        .isInstanceOf(WindowFileException.class).hasMessageContaining("not a readable Parquet file");
    byte[] truncated = java.util.Arrays.copyOf(REFERENCE_FILE, REFERENCE_FILE.length - 100);
    assertThatThrownBy(() -> WindowFileReader.read(truncated)).isInstanceOf(WindowFileException.class);
  }

  @Test
  void badFooterValuesAreRefused() throws IOException {
    WindowFile window = WindowFixtures.sampleWindow(1);
    Map<String, String> footer = WindowFileWriter.footer(window);
    footer.put("window_length", "thirty");
    byte[] bytes = WindowFileWriter.write(window, footer);
    assertThatThrownBy(() -> WindowFileReader.read(bytes))
        .isInstanceOf(WindowFileException.class).hasMessageContaining("footer window_length is not an integer: 'thirty'");
    // float() rules: Java's "0x1p3" and "1d" are not Python floats; underscores between digits are
    for (String notAPythonFloat : List.of("0x1p3", "1d", "1__0", "")) {
      footer = WindowFileWriter.footer(window);
      footer.put("timestamp", notAPythonFloat);
      byte[] rejected = WindowFileWriter.write(window, footer);
      assertThatThrownBy(() -> WindowFileReader.read(rejected)).as(notAPythonFloat)
          .isInstanceOf(WindowFileException.class).hasMessageContaining("footer timestamp is not a number");
    }
    footer = WindowFileWriter.footer(window);
    footer.put("timestamp", " 1_763_811_399.5\n");
    assertThat(WindowFileReader.read(WindowFileWriter.write(window, footer)).timestamp()).isEqualTo(1763811399.5);
    footer = WindowFileWriter.footer(window);
    footer.remove("wallet");
    footer.remove("timestamp");
    WindowFile defaults = WindowFileReader.read(WindowFileWriter.write(window, footer));
    assertThat(defaults.wallet()).isEmpty();
    assertThat(defaults.timestamp()).isZero();
  }

  @Test
  void keysFollowTheReferenceRule() {
    assertThat(WindowFiles.key(WindowFixtures.HOTKEY, 7_209_930))
        .isEqualTo("grail/windows/5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY-window-7209930.parquet");
    assertThat(WindowFiles.parse(WindowFiles.gzipKey("5Abc", 60)).orElseThrow())
        .isEqualTo(new WindowFiles.KeyParts("5Abc", 60, true));
    assertThat(WindowFiles.parse("grail/checkpoints/x")).isEmpty();
  }
}
