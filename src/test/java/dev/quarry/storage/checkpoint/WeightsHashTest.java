package dev.quarry.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.storage.StorageTestResources;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightsHashTest {

  private static final JsonNode VECTORS = StorageTestResources.json("xxh3-128.json");

  private static byte[] input(int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) ((i * 167L + 13) % 256);
    }
    return data;
  }

  @Test
  void matchesPythonXxhashForEveryLengthClass() throws Exception {
    for (JsonNode vector : VECTORS.get("one_shot")) {
      byte[] data = input(vector.get("length").asInt());
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)))
          .as("input formula for length %d", data.length).isEqualTo(vector.get("sha256").asText());
      assertThat(WeightsHash.of(data)).as("length %d", data.length).isEqualTo(vector.get("xxh3_128").asText());
      assertThat(WeightsHash.ofConcatenation(List.of(ByteBuffer.wrap(data))))
          .as("length %d through the concatenation access", data.length)
          .isEqualTo(vector.get("xxh3_128").asText());
    }
  }

  @Test
  void hashingPiecesEqualsStreamingUpdatesInPython() {
    for (JsonNode vector : VECTORS.get("streamed")) {
      List<Integer> lengths = new ArrayList<>();
      vector.get("chunk_lengths").forEach(node -> lengths.add(node.asInt()));
      byte[] whole = input(lengths.stream().mapToInt(Integer::intValue).sum());
      List<ByteBuffer> parts = new ArrayList<>();
      int offset = 0;
      for (int length : lengths) {
        parts.add(ByteBuffer.wrap(whole, offset, length));
        offset += length;
      }
      assertThat(WeightsHash.ofConcatenation(parts)).as("chunks %s", lengths)
          .isEqualTo(vector.get("xxh3_128").asText());
    }
  }

  @Test
  void anySplitOfLargeInputGivesTheOneShotDigest() {
    byte[] whole = input(1_048_577);
    String expected = WeightsHash.of(whole);
    java.util.Random random = new java.util.Random(5);
    for (int trial = 0; trial < 20; trial++) {
      List<ByteBuffer> parts = new ArrayList<>();
      int offset = 0;
      while (offset < whole.length) {
        int length = Math.min(whole.length - offset, random.nextInt(trial % 2 == 0 ? 17 : 5000) );
        parts.add(ByteBuffer.wrap(whole, offset, length));
        offset += length;
      }
      assertThat(WeightsHash.ofConcatenation(parts)).isEqualTo(expected);
    }
  }

  @Test
  void tensorsAreHashedInPythonSortedNameOrder() {
    Map<String, ByteBuffer> tensors = new LinkedHashMap<>();
    tensors.put("b", ByteBuffer.wrap(new byte[] {2}));
    tensors.put("a", ByteBuffer.wrap(new byte[] {1}));
    tensors.put("B", ByteBuffer.wrap(new byte[] {3}));
    assertThat(WeightsHash.ofTensors(tensors)).isEqualTo(WeightsHash.of(new byte[] {3, 1, 2}));
    // U+FF5E sorts before U+1F600 by code point, though its UTF-16 unit is larger than a surrogate
    Map<String, ByteBuffer> beyondTheBmp = new LinkedHashMap<>();
    beyondTheBmp.put("\uD83D\uDE00", ByteBuffer.wrap(new byte[] {5}));
    beyondTheBmp.put("\uFF5E", ByteBuffer.wrap(new byte[] {4}));
    assertThat(WeightsHash.ofTensors(beyondTheBmp)).isEqualTo(WeightsHash.of(new byte[] {4, 5}));
  }
}
