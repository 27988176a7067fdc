package dev.quarry.storage.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file opened for reading. The header is parsed and checked up front, so a truncated
 * or corrupt file is refused before any tensor is used; tensor bytes are read on demand.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N, N bytes of JSON (tensor name to
 * dtype, shape and data offsets, plus an optional {@code __metadata__} string map), then the data.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** The safetensors library refuses headers above 100 MB; so do we. */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, String> metadata,
      Map<String, TensorInfo> tensors) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  /** Opens and validates a file; a malformed file fails with a message naming the file and the fault. */
  public static SafetensorsFile open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw corrupt(path, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lengthBytes = readFully(channel, 0, 8);
      long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
        throw corrupt(path, "header length " + Long.toUnsignedString(headerLength)
            + " does not fit a file of " + fileSize + " bytes");
      }
      ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength);
      String headerText = StandardCharsets.UTF_8.decode(headerBytes).toString();
      JsonNode header;
      try {
        header = JSON.readTree(headerText);
      } catch (IOException exception) {
        throw corrupt(path, "header is not valid JSON (" + exception.getMessage() + ")");
      }
      if (header == null || !header.isObject()) {
        throw corrupt(path, "header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equals("__metadata__")) {
          field.getValue().fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
          continue;
        }
        tensors.put(field.getKey(), parseTensor(path, field.getKey(), field.getValue()));
      }
      checkLayout(path, tensors.values(), fileSize - dataStart);
      return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(metadata),
          Collections.unmodifiableMap(tensors));
    } catch (IOException | RuntimeException exception) {
      channel.close();
      throw exception;
    }
  }

  private static TensorInfo parseTensor(Path path, String name, JsonNode node) throws IOException {
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsetsNode = node.get("data_offsets");
    if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsetsNode == null
        || !offsetsNode.isArray() || offsetsNode.size() != 2) {
      throw corrupt(path, "tensor '" + name + "' lacks dtype, shape or data_offsets");
    }
    TensorDType dtype;
    try {
      dtype = TensorDType.fromCode(dtypeNode.asText());
    } catch (IllegalArgumentException exception) {
      throw corrupt(path, "tensor '" + name + "': " + exception.getMessage());
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) {
        throw corrupt(path, "tensor '" + name + "' has a negative or non-integer dimension");
      }
    }
    long begin = offsetsNode.get(0).asLong(-1);
    long end = offsetsNode.get(1).asLong(-1);
    if (begin < 0 || end < begin) {
      throw corrupt(path, "tensor '" + name + "' has invalid data_offsets [" + begin + ", " + end + "]");
    }
    TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
    long expected;
    try {
      expected = Math.multiplyExact(info.elementCount(), dtype.byteWidth());
    } catch (ArithmeticException exception) {
      throw corrupt(path, "tensor '" + name + "' is too large");
    }
    if (expected != info.byteLength()) {
      throw corrupt(path, "tensor '" + name + "' " + info + " needs " + expected + " bytes but its offsets span "
          + info.byteLength());
    }
    return info;
  }

  /** Tensors must tile the data section exactly: no gaps, no overlaps, nothing past the end. */
  private static void checkLayout(Path path, Iterable<TensorInfo> tensors, long dataSize) throws IOException {
    List<TensorInfo> byOffset = new ArrayList<>();
    tensors.forEach(byOffset::add);
    byOffset.sort(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
    long expectedBegin = 0;
    for (TensorInfo tensor : byOffset) {
      if (tensor.dataBegin() != expectedBegin) {
        throw corrupt(path, "tensor '" + tensor.name() + "' starts at " + tensor.dataBegin()
            + " but the previous tensor ends at " + expectedBegin);
      }
      expectedBegin = tensor.dataEnd();
    }
    if (expectedBegin != dataSize) {
      throw corrupt(path, "tensors cover " + expectedBegin + " data bytes but the file holds " + dataSize
          + (expectedBegin > dataSize ? " (truncated file?)" : " (trailing bytes)"));
    }
  }

  public Path path() {
    return path;
  }

  /** The {@code __metadata__} map (e.g. {@code {"format": "pt"}}); empty if absent. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Every tensor, in header order. */
  public List<TensorInfo> tensors() {
    return List.copyOf(tensors.values());
  }

  public Optional<TensorInfo> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  private TensorInfo require(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IllegalArgumentException("tensor '" + name + "' is not in " + path.getFileName());
    }
    return info;
  }

  /** The tensor's raw little-endian bytes, read into a heap buffer. */
  public ByteBuffer readRaw(String name) throws IOException {
    TensorInfo info = require(name);
    if (info.byteLength() > Integer.MAX_VALUE - 8) {
      throw new IOException("tensor '" + name + "' is " + info.byteLength() + " bytes; read it with map()");
    }
    return readFully(channel, dataStart + info.dataBegin(), (int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A read-only memory mapping of the tensor's bytes (no copy), for hashing and streaming writes. */
  public ByteBuffer map(String name) throws IOException {
    TensorInfo info = require(name);
    return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.dataBegin(), info.byteLength())
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * A read-only mapping of part of a tensor's bytes, for tensors too large to map at once (over
   * 2 GiB) or to stream in chunks. The range must lie inside the tensor.
   */
  public ByteBuffer mapRange(String name, long byteOffset, int byteLength) throws IOException {
    TensorInfo info = require(name);
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > info.byteLength()) {
      throw new IllegalArgumentException("range [" + byteOffset + ", " + (byteOffset + byteLength)
          + ") is outside tensor '" + name + "' of " + info.byteLength() + " bytes");
    }
    return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.dataBegin() + byteOffset, byteLength)
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The tensor as {@link TensorData} backed by a mapping of this file. */
  public TensorData tensorData(String name) throws IOException {
    TensorInfo info = require(name);
    return new TensorData(name, info.dtype(), info.shape(), map(name));
  }

  /**
   * The tensor's values as float32, widening bf16 and f16 exactly (row-major, as stored). Integer
   * tensors are refused: weights are floating point, and silently converting ids would hide a bug.
   */
  public float[] readFloat32(String name) throws IOException {
    TensorInfo info = require(name);
    if (!info.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException("tensor '" + name + "' is " + info.dtype().code() + ", not floating point");
    }
    if (info.elementCount() > Integer.MAX_VALUE - 8) {
      throw new IOException("tensor '" + name + "' has " + info.elementCount() + " elements, too many for one array");
    }
    ByteBuffer bytes = map(name);
    float[] values = new float[(int) info.elementCount()];
    switch (info.dtype()) {
      case F32 -> bytes.asFloatBuffer().get(values);
      case BF16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfPrecision.bfloat16ToFloat(bytes.getShort(i * 2));
        }
      }
      case F16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfPrecision.float16ToFloat(bytes.getShort(i * 2));
        }
      }
      case F64 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) bytes.getDouble(i * 8);
        }
      }
      default -> throw new IllegalStateException("unreachable: " + info.dtype());
    }
    return values;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  private static IOException corrupt(Path path, String reason) {
    return new CorruptSafetensorsException(path, reason);
  }

  /** A file that is not a valid safetensors file; the message names the file and the fault. */
  public static final class CorruptSafetensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptSafetensorsException(Path path, String reason) {
      super("corrupt safetensors file " + path + ": " + reason);
    }
  }
}
