package dev.quarry.storage.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files. Tensors are laid out in name order and the header is padded with spaces
 * to a multiple of 8 bytes, as the reference library does, so data stays aligned. The file appears
 * atomically (written beside the target, then moved), so a crash never leaves a half-written
 * checkpoint that a later run could mistake for a good one.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  public static void write(Path target, List<TensorData> tensors, Map<String, String> metadata) throws IOException {
    List<TensorData> ordered = new ArrayList<>(tensors);
    ordered.sort(Comparator.comparing(TensorData::name));
    HashSet<String> names = new HashSet<>();
    for (TensorData tensor : ordered) {
      if (!names.add(tensor.name())) {
        throw new IllegalArgumentException("duplicate tensor name '" + tensor.name() + "'");
      }
    }

    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(entry -> meta.put(entry.getKey(), entry.getValue()));
    }
    long offset = 0;
    for (TensorData tensor : ordered) {
      ObjectNode entry = header.putObject(tensor.name());
      entry.put("dtype", tensor.dtype().code());
      ArrayNode shape = entry.putArray("shape");
      for (long dimension : tensor.shape()) {
        shape.add(dimension);
      }
      long length = tensor.data().remaining();
      entry.putArray("data_offsets").add(offset).add(offset + length);
      offset += length;
    }
    byte[] headerJson = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padding = (8 - headerJson.length % 8) % 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + headerJson.length + padding).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(headerJson.length + padding).put(headerJson);
    for (int i = 0; i < padding; i++) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".partial");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(channel, prefix);
        for (TensorData tensor : ordered) {
          writeFully(channel, tensor.data());
        }
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
