package dev.quarry.storage.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

  @TempDir Path directory;

  private Path resource(String name) throws IOException {
    Path target = directory.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/vectors/safetensors/" + name)) {
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void readsAFileWrittenByTheReferenceLibrary() throws IOException {
    JsonNode expected = new ObjectMapper().readTree(resource("reference.json").toFile());
    try (SafetensorsFile file = SafetensorsFile.open(resource("reference.safetensors"))) {
      assertThat(file.metadata()).containsEntry("format", "pt");
      assertThat(file.tensors()).hasSize(4);
      for (String name : List.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.bias")) {
        JsonNode tensor = expected.get("tensors").get(name);
        float[] values = file.readFloat32(name);
        assertThat(values).hasSize(tensor.get("values").size());
        for (int i = 0; i < values.length; i++) {
          assertThat((double) values[i]).as("%s[%d]", name, i).isEqualTo(tensor.get("values").get(i).asDouble());
        }
      }
      assertThat(file.tensor("model.embed_tokens.weight").orElseThrow().dtype()).isEqualTo(TensorDType.BF16);
      assertThat(file.tensor("model.embed_tokens.weight").orElseThrow().shape()).containsExactly(5, 3);
      ByteBuffer positions = file.readRaw("position_ids");
      assertThat(positions.getLong(8 * 3)).isEqualTo(3L);
      assertThatThrownBy(() -> file.readFloat32("position_ids")).hasMessageContaining("not floating point");
    }
  }

  @Test
  void writtenFilesReadBackExactly() throws IOException {
    float[] weights = {0.1f, -3.25f, 1e-3f, 7f, 0f, -0f};
    List<TensorData> tensors = List.of(
        TensorData.ofBfloat16("b.weight", new long[] {2, 3}, weights),
        TensorData.ofFloat32("a.bias", new long[] {6}, weights));
    Path target = directory.resolve("out.safetensors");
    SafetensorsWriter.write(target, tensors, Map.of("format", "pt"));

    try (SafetensorsFile file = SafetensorsFile.open(target)) {
      assertThat(file.tensors()).extracting(TensorInfo::name).containsExactly("a.bias", "b.weight");
      assertThat(file.readFloat32("a.bias")).containsExactly(weights);
      float[] narrowed = file.readFloat32("b.weight");
      for (int i = 0; i < weights.length; i++) {
        assertThat(narrowed[i]).isEqualTo(HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(weights[i])));
      }
      assertThat(file.tensorData("b.weight")).isEqualTo(tensors.get(0));
    }
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(target), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
  }

  @Test
  void mapsAPartOfATensor() throws IOException {
    float[] values = {1f, 2f, 3f, 4f, 5f, 6f};
    Path target = directory.resolve("range.safetensors");
    SafetensorsWriter.write(target, List.of(TensorData.ofFloat32("t", new long[] {3, 2}, values)), Map.of());
    try (SafetensorsFile file = SafetensorsFile.open(target)) {
      ByteBuffer secondRow = file.mapRange("t", 8, 8);
      assertThat(secondRow.getFloat(0)).isEqualTo(3f);
      assertThat(secondRow.getFloat(4)).isEqualTo(4f);
      assertThatThrownBy(() -> file.mapRange("t", 20, 8)).hasMessageContaining("outside tensor 't'");
      assertThatThrownBy(() -> file.mapRange("missing", 0, 4)).hasMessageContaining("'missing' is not in");
    }
  }

  @Test
  void refusesTruncatedFiles() throws IOException {
    byte[] good = Files.readAllBytes(resource("reference.safetensors"));
    Path truncated = directory.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 5));
    assertThatThrownBy(() -> SafetensorsFile.open(truncated))
        .isInstanceOf(SafetensorsFile.CorruptSafetensorsException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void refusesImpossibleHeaderLengthsAndBadJson() throws IOException {
    Path huge = directory.resolve("huge.safetensors");
    Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertThatThrownBy(() -> SafetensorsFile.open(huge)).hasMessageContaining("header length");

    Path badJson = directory.resolve("bad.safetensors");
    byte[] text = "{not json".getBytes(StandardCharsets.UTF_8);
    Files.write(badJson, ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN).putLong(text.length).put(text).array());
    assertThatThrownBy(() -> SafetensorsFile.open(badJson)).hasMessageContaining("not valid JSON");
  }

  @Test
  void refusesOverlappingOrMisSizedTensors() throws IOException {
    assertThatThrownBy(() -> SafetensorsFile.open(withHeader(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)))
        .hasMessageContaining("starts at 4");
    assertThatThrownBy(() -> SafetensorsFile.open(withHeader(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)))
        .hasMessageContaining("needs 12 bytes");
    assertThatThrownBy(() -> SafetensorsFile.open(withHeader(
            "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8)))
        .hasMessageContaining("unsupported safetensors dtype 'Q4'");
  }

  private Path withHeader(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    Path path = Files.createTempFile(directory, "crafted", ".safetensors");
    Files.write(path, buffer.array());
    return path;
  }
}
