package dev.quarry.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.Zstd;
import dev.quarry.storage.StorageTestResources;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deltas encoded by the reference codec rebuild the reference's weights to the exact published hash. */
class SparseDeltaCodecTest {

  private static final JsonNode VECTORS = StorageTestResources.json("delta/vectors.json");

  @TempDir Path directory;

  private Path checkpointDirectory(String name, String weightsResource) {
    Path checkpoint = directory.resolve(name);
    StorageTestResources.copy("delta/" + weightsResource, checkpoint, "model.safetensors");
    return checkpoint;
  }

  private static List<TensorDelta> decodeVector(JsonNode encoding) throws IOException {
    DeltaFormat format = DeltaFormat.fromFormatName(encoding.get("format").asText());
    return SparseDeltaCodec.decode(format, StorageTestResources.bytes("delta/" + encoding.get("file").asText()));
  }

  @Test
  void everyFormatRebuildsTheTrainersNextStateExactly() throws IOException {
    Path base = checkpointDirectory("base", "base.safetensors");
    Path expected = StorageTestResources.copy("delta/step1.safetensors", directory);
    for (JsonNode encoding : VECTORS.get("delta1").get("encodings")) {
      Path output = directory.resolve("rebuilt-" + encoding.get("format").asText() + ".safetensors");
      String hash = DeltaApplier.rebuild(base, List.of(decodeVector(encoding)), output);
      assertThat(hash).as(encoding.get("format").asText()).isEqualTo(VECTORS.get("step1_hash").asText());
      assertSameTensors(output, expected);
    }
  }

  @Test
  void aChainOfDeltasRebuildsTheLastState() throws IOException {
    Path base = checkpointDirectory("base", "base.safetensors");
    List<TensorDelta> first = decodeVector(VECTORS.get("delta1").get("encodings").get(2));
    List<TensorDelta> second = decodeVector(VECTORS.get("delta2").get("encodings").get(0));
    Path output = directory.resolve("chain.safetensors");
    assertThat(DeltaApplier.rebuild(base, List.of(first, second), output)).isEqualTo(VECTORS.get("step2_hash").asText());
    assertSameTensors(output, StorageTestResources.copy("delta/step2.safetensors", directory));
  }

  @Test
  void float32AndFloat16ValuesAreRoundedIntoBfloat16AsTorchDoes() throws IOException {
    Path base = checkpointDirectory("base", "base.safetensors");
    for (JsonNode encoding : VECTORS.get("mixed").get("encodings")) {
      Path output = directory.resolve("mixed-" + encoding.get("format").asText() + ".safetensors");
      assertThat(DeltaApplier.rebuild(base, List.of(decodeVector(encoding)), output))
          .as(encoding.get("format").asText()).isEqualTo(VECTORS.get("mixed_hash").asText());
    }
  }

  @Test
  void theBaseHashIsTheReferenceHashOfTheFile() throws IOException {
    try (CheckpointWeights weights = CheckpointWeights.open(checkpointDirectory("base", "base.safetensors"))) {
      assertThat(weights.weightsHash()).isEqualTo(VECTORS.get("base_hash").asText());
    }
  }

  @Test
  void ourEncoderWritesTheReferencePayloadByteForByte() throws IOException {
    for (String delta : List.of("delta1", "delta2", "mixed")) {
      for (JsonNode encoding : VECTORS.get(delta).get("encodings")) {
        DeltaFormat format = DeltaFormat.fromFormatName(encoding.get("format").asText());
        List<TensorDelta> tensors = decodeVector(encoding);
        byte[] payload = SparseDeltaCodec.encodePayload(format, tensors);
        assertThat(CheckpointFiles.sha256(payload)).as("%s %s", delta, format)
            .isEqualTo(encoding.get("payload_sha256").asText());
        byte[] compressed = SparseDeltaCodec.encode(format, tensors);
        // the reference decoder (python-zstandard decompress) needs the content size in the frame header
        assertThat(Zstd.getFrameContentSize(compressed, 0, compressed.length)).isEqualTo(payload.length);
        assertThat(SparseDeltaCodec.decode(format, compressed)).isEqualTo(tensors);
      }
    }
  }

  @Test
  void nonAsciiTensorNamesAreEscapedInTheHeaderAsJsonDumpsDoes() throws IOException {
    JsonNode vectors = StorageTestResources.json("delta/non_ascii.json");
    for (JsonNode encoding : vectors.get("encodings")) {
      DeltaFormat format = DeltaFormat.fromFormatName(encoding.get("format").asText());
      List<TensorDelta> tensors = decodeVector(encoding);
      byte[] payload = SparseDeltaCodec.encodePayload(format, tensors);
      int headerLength = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
      // lower-case \u00e9 and an escaped DEL, as Python writes them (Jackson would write \u00E9 and a raw DEL)
      assertThat(new String(payload, 4, headerLength, java.nio.charset.StandardCharsets.US_ASCII)).as("%s", format)
          .isEqualTo(encoding.get("header_text").asText());
      assertThat(CheckpointFiles.sha256(payload)).as("%s", format).isEqualTo(encoding.get("payload_sha256").asText());
    }
  }

  @Test
  void emptyDeltasDecodeToNothing() throws IOException {
    assertThat(SparseDeltaCodec.decode(DeltaFormat.V2, StorageTestResources.bytes("delta/empty_v2.bin.zst"))).isEmpty();
    assertThat(SparseDeltaCodec.decode(DeltaFormat.V3, StorageTestResources.bytes("delta/empty_v3.bin.zst"))).isEmpty();
    assertThat(SparseDeltaCodec.decode(DeltaFormat.V3_1, StorageTestResources.bytes("delta/empty_v3.1.bin.zst"))).isEmpty();
    assertThat(SparseDeltaCodec.decode(DeltaFormat.V3_1, new byte[0])).isEmpty();
  }

  @Test
  void aTruncatedFrameIsRefused() {
    byte[] file = StorageTestResources.bytes("delta/delta1_v3.1.bin.zst");
    byte[] truncated = Arrays.copyOf(file, file.length - 20);
    assertThatThrownBy(() -> SparseDeltaCodec.decode(DeltaFormat.V3_1, truncated))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("truncated or corrupt");
    assertThatThrownBy(() -> SparseDeltaCodec.decode(DeltaFormat.V3_1, Arrays.copyOf(file, 9)))
        .isInstanceOf(CorruptCheckpointException.class);
  }

  @Test
  void aFormatMismatchIsRefused() {
    byte[] file = StorageTestResources.bytes("delta/delta1_v3.bin.zst");
    assertThatThrownBy(() -> SparseDeltaCodec.decode(DeltaFormat.V3_1, file))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("version 3 does not match format sparse_codec_v3.1");
  }

  @Test
  void malformedPayloadsAreRefusedWithTheTensorNamed() throws IOException {
    List<TensorDelta> tensors = decodeVector(VECTORS.get("delta1").get("encodings").get(1));
    byte[] payload = SparseDeltaCodec.encodePayload(DeltaFormat.V3, tensors);
    int headerLength = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    String header = new String(payload, 4, headerLength, java.nio.charset.StandardCharsets.UTF_8);

    // a shape that makes an entry fall outside the tensor
    String shrunk = header.replace("\"shape\":[16,8]", "\"shape\":[1,8]");
    assertThatThrownBy(() -> SparseDeltaCodec.decodePayload(DeltaFormat.V3, withHeader(payload, headerLength, shrunk)))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("model.embed_tokens.weight").hasMessageContaining("outside");
    // a values block longer than the data
    String overrun = header.replaceFirst("\"values_size\":(\\d+)", "\"values_size\":99998");
    assertThatThrownBy(() -> SparseDeltaCodec.decodePayload(DeltaFormat.V3, withHeader(payload, headerLength, overrun)))
        .isInstanceOf(CorruptCheckpointException.class);
    // an unknown value type
    String unknown = header.replaceFirst("bfloat16", "float64");
    assertThatThrownBy(() -> SparseDeltaCodec.decodePayload(DeltaFormat.V3, withHeader(payload, headerLength, unknown)))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("float64");
    // a header length beyond the payload
    byte[] lying = payload.clone();
    ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(0, payload.length);
    assertThatThrownBy(() -> SparseDeltaCodec.decodePayload(DeltaFormat.V3, lying))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("header length");
  }

  @Test
  void aDeltaWhoseShapeDisagreesWithTheBaseIsRefusedAndLeavesNoOutput() throws IOException {
    Path base = checkpointDirectory("base", "base.safetensors");
    ByteBuffer value = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x3F80);
    TensorDelta wrongShape = new TensorDelta("model.norm.weight", new long[] {2, 4}, new long[] {0},
        DeltaValueType.BFLOAT16, value);
    Path output = directory.resolve("out.safetensors");
    assertThatThrownBy(() -> DeltaApplier.rebuild(base, List.of(List.of(wrongShape)), output))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("model.norm.weight");
    assertThat(output).doesNotExist();
  }

  private static byte[] withHeader(byte[] payload, int oldLength, String header) {
    byte[] headerBytes = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer result = ByteBuffer.allocate(4 + headerBytes.length + payload.length - 4 - oldLength)
        .order(ByteOrder.LITTLE_ENDIAN);
    result.putInt(headerBytes.length).put(headerBytes).put(payload, 4 + oldLength, payload.length - 4 - oldLength);
    return result.array();
  }

  private static void assertSameTensors(Path actual, Path expected) throws IOException {
    try (SafetensorsFile left = SafetensorsFile.open(actual); SafetensorsFile right = SafetensorsFile.open(expected)) {
      assertThat(left.tensors()).hasSameSizeAs(right.tensors());
      for (TensorInfo tensor : right.tensors()) {
        TensorInfo ours = left.tensor(tensor.name()).orElseThrow();
        assertThat(ours.dtype()).isEqualTo(tensor.dtype());
        assertThat(ours.shape()).containsExactly(tensor.shape());
        assertThat(left.readRaw(tensor.name())).as(tensor.name()).isEqualTo(right.readRaw(tensor.name()));
      }
    }
    assertThat(Files.size(actual)).isPositive();
  }
}
