package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.grail.protocol.python.PythonText;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Grail's sparse delta codec ({@code delta_sparse.bin.zst}): one zstd frame holding a little-endian
 * uint32 header length, a compact JSON header {@code {"version": 2|3|31, "tensors": [...]}}, then
 * the data blocks the header points at (offsets relative to the end of the header).
 *
 * <ul>
 *   <li>v2: per tensor, sorted flat positions as int32 differences (first one absolute), then values.
 *   <li>v3: positions as (row, column) pairs sorted by row then column; rows as int32 differences
 *       from the previous row (the first from 0); columns absolute where the row changes (and at the
 *       first entry) and otherwise the difference from the previous column; rows block, columns
 *       block, values block.
 *   <li>v3.1: as v3 with {@code row_dtype} uint8, uint16 or int32 and {@code col_dtype} uint16 or
 *       int32 (the narrowest that holds the largest difference; the reference's docstring says rows
 *       are never uint16, but its code narrows rows to uint16 too, and so do we).
 * </ul>
 *
 * <p>Decoding checks everything a corrupt or hostile file could get wrong (sizes, offsets, value
 * types, positions inside the tensor) and fails with {@link CorruptCheckpointException}. Encoding
 * reproduces the reference encoder's payload byte for byte (header key order, compact separators,
 * narrowing rules); the zstd frame carries its content size, which the reference decoder requires.
 */
public final class SparseDeltaCodec {

  /** The reference compresses at zstd level 1. */
  static final int ZSTD_LEVEL = 1;

  /** A payload above this cannot be held in one array (nor by the reference, realistically). */
  private static final int MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SparseDeltaCodec() {}

  // ------------------------------------------------------------------ decoding

  /**
   * Decodes a compressed delta. An empty input is an empty delta, as in the reference. The header
   * version must match {@code format} (the one named in {@code delta_metadata.json}).
   */
  public static List<TensorDelta> decode(DeltaFormat format, byte[] compressed) throws CorruptCheckpointException {
    if (compressed.length == 0) {
      return List.of();
    }
    return decodePayload(format, decompress(compressed));
  }

  /** Decompresses one or more zstd frames; a truncated or corrupt frame is refused. */
  static byte[] decompress(byte[] compressed) throws CorruptCheckpointException {
    try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(compressed))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, compressed.length * 4));
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > MAX_PAYLOAD_BYTES) {
          throw new CorruptCheckpointException("delta payload exceeds " + MAX_PAYLOAD_BYTES + " bytes");
        }
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    } catch (CorruptCheckpointException exception) {
      throw exception;
    } catch (IOException | RuntimeException exception) {
      throw new CorruptCheckpointException("delta is not a valid zstd stream (truncated or corrupt): "
          + exception.getMessage(), exception);
    }
  }

  /** Decodes an uncompressed payload (header length, header, data). */
  static List<TensorDelta> decodePayload(DeltaFormat format, byte[] payload) throws CorruptCheckpointException {
    ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    if (payload.length < 4) {
      throw new CorruptCheckpointException("delta payload is " + payload.length + " bytes, too short for its header length");
    }
    long headerLength = buffer.getInt(0) & 0xFFFFFFFFL;
    if (4 + headerLength > payload.length) {
      throw new CorruptCheckpointException("delta header length " + headerLength + " exceeds the payload ("
          + payload.length + " bytes)");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(payload, 4, (int) headerLength, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException exception) {
      throw new CorruptCheckpointException("delta header is not valid JSON: " + exception.getOriginalMessage());
    }
    if (header == null || !header.isObject()) {
      throw new CorruptCheckpointException("delta header is not a JSON object");
    }
    int version = header.path("version").asInt(0);
    if (version != format.headerVersion()) {
      throw new CorruptCheckpointException("delta header version " + version + " does not match format "
          + format.formatName() + " (expects " + format.headerVersion() + ")");
    }
    JsonNode tensors = header.path("tensors");
    if (tensors.isMissingNode() || tensors.isNull()) {
      return List.of();
    }
    if (!tensors.isArray()) {
      throw new CorruptCheckpointException("delta header 'tensors' is not a list");
    }
    long dataStart = 4 + headerLength;
    List<TensorDelta> result = new ArrayList<>(tensors.size());
    for (JsonNode meta : tensors) {
      result.add(decodeTensor(format, meta, buffer, dataStart));
    }
    return List.copyOf(result);
  }

  private static TensorDelta decodeTensor(DeltaFormat format, JsonNode meta, ByteBuffer payload, long dataStart)
      throws CorruptCheckpointException {
    String name = meta.path("name").asText(null);
    if (name == null || name.isEmpty()) {
      throw new CorruptCheckpointException("delta header has a tensor without a name");
    }
    long[] shape = shapeOf(name, meta.path("shape"));
    DeltaValueType valueType;
    try {
      valueType = DeltaValueType.fromHeaderName(meta.path("value_dtype").asText(""));
    } catch (IllegalArgumentException exception) {
      throw corrupt(name, exception.getMessage());
    }
    long rows = TensorDelta.rowsOf(shape);
    long columns = TensorDelta.columnsOf(shape);
    long elements;
    try {
      elements = Math.multiplyExact(rows, columns);
    } catch (ArithmeticException exception) {
      throw corrupt(name, "shape is too large");
    }
    long valuesOffset = field(name, meta, "values_offset");
    long valuesSize = field(name, meta, "values_size");
    if (valuesSize % valueType.byteWidth() != 0) {
      throw corrupt(name, "values_size " + valuesSize + " is not a multiple of " + valueType.byteWidth());
    }
    long count = valuesSize / valueType.byteWidth();
    if (count > Integer.MAX_VALUE - 8) {
      throw corrupt(name, "too many entries (" + count + ")");
    }
    ByteBuffer values = slice(name, payload, dataStart, valuesOffset, valuesSize, "values");
    long[] positions = new long[(int) count];
    long indicesOffset = field(name, meta, "indices_offset");
    if (format == DeltaFormat.V2) {
      long indicesSize = field(name, meta, "indices_size");
      if (indicesSize != count * 4) {
        throw corrupt(name, "indices_size " + indicesSize + " does not hold " + count + " int32 positions");
      }
      ByteBuffer indices = slice(name, payload, dataStart, indicesOffset, indicesSize, "indices");
      long position = 0;
      for (int i = 0; i < count; i++) {
        position += indices.getInt(i * 4);
        if (position < 0 || position >= elements) {
          throw corrupt(name, "position " + position + " is outside the tensor (" + elements + " elements)");
        }
        positions[i] = position;
      }
    } else {
      IndexType rowType = IndexType.INT32;
      IndexType columnType = IndexType.INT32;
      if (format == DeltaFormat.V3_1) {
        rowType = indexType(name, meta, "row_dtype");
        columnType = indexType(name, meta, "col_dtype");
      }
      long rowsSize = field(name, meta, "rows_size");
      long columnsSize = field(name, meta, "cols_size");
      if (rowsSize != count * rowType.width || columnsSize != count * columnType.width) {
        throw corrupt(name, "rows_size " + rowsSize + " / cols_size " + columnsSize + " do not hold " + count
            + " " + rowType.name + "/" + columnType.name + " indices");
      }
      if (meta.has("indices_size") && field(name, meta, "indices_size") != rowsSize + columnsSize) {
        throw corrupt(name, "indices_size is not rows_size + cols_size");
      }
      ByteBuffer rowDeltas = slice(name, payload, dataStart, indicesOffset, rowsSize, "rows");
      ByteBuffer columnDeltas = slice(name, payload, dataStart, indicesOffset + rowsSize, columnsSize, "cols");
      long row = 0;
      long column = 0;
      for (int i = 0; i < count; i++) {
        long rowDelta = rowType.read(rowDeltas, i);
        long columnDelta = columnType.read(columnDeltas, i);
        row += rowDelta;
        // a new row segment starts at the first entry and wherever the row moves
        column = (i == 0 || rowDelta != 0) ? columnDelta : column + columnDelta;
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
          throw corrupt(name, "entry " + i + " at (" + row + ", " + column + ") is outside the " + rows + "x" + columns
              + " view of the tensor");
        }
        positions[i] = row * columns + column;
      }
    }
    return new TensorDelta(name, shape, positions, valueType, values);
  }

  private static long[] shapeOf(String name, JsonNode node) throws CorruptCheckpointException {
    if (!node.isArray()) {
      throw corrupt(name, "shape is missing or not a list");
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dimension = node.get(i);
      if (!dimension.canConvertToLong() || !dimension.isIntegralNumber() || dimension.asLong() < 0) {
        throw corrupt(name, "shape " + node + " has an invalid dimension");
      }
      shape[i] = dimension.asLong();
    }
    return shape;
  }

  private static long field(String name, JsonNode meta, String field) throws CorruptCheckpointException {
    JsonNode node = meta.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw corrupt(name, "'" + field + "' is missing or not a non-negative integer");
    }
    return node.asLong();
  }

  private static IndexType indexType(String name, JsonNode meta, String field) throws CorruptCheckpointException {
    // the reference reads a missing field as int32
    String value = meta.path(field).asText("int32");
    return switch (value) {
      case "uint8" -> IndexType.UINT8;
      case "uint16" -> IndexType.UINT16;
      case "int32" -> IndexType.INT32;
      default -> throw corrupt(name, "unsupported " + field + " '" + value + "'");
    };
  }

  private static ByteBuffer slice(String name, ByteBuffer payload, long dataStart, long offset, long size, String what)
      throws CorruptCheckpointException {
    long start = dataStart + offset;
    if (start > payload.capacity() || size > payload.capacity() - start) {
      throw corrupt(name, what + " block [" + offset + ", +" + size + ") runs past the end of the payload");
    }
    return payload.slice((int) start, (int) size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static CorruptCheckpointException corrupt(String tensor, String reason) {
    return new CorruptCheckpointException("delta entry for tensor '" + tensor + "': " + reason);
  }

  /** Widths of the v3/v3.1 index blocks; uint8/uint16 are read unsigned. */
  enum IndexType {
    UINT8("uint8", 1),
    UINT16("uint16", 2),
    INT32("int32", 4);

    final String name;
    final int width;

    IndexType(String name, int width) {
      this.name = name;
      this.width = width;
    }

    long read(ByteBuffer buffer, int index) {
      return switch (this) {
        case UINT8 -> buffer.get(index) & 0xFF;
        case UINT16 -> buffer.getShort(index * 2) & 0xFFFF;
        case INT32 -> buffer.getInt(index * 4);
      };
    }

    void write(ByteBuffer buffer, long value) {
      switch (this) {
        case UINT8 -> buffer.put((byte) value);
        case UINT16 -> buffer.putShort((short) value);
        case INT32 -> buffer.putInt((int) value);
      }
    }

    /** The reference's {@code _select_index_dtype}: smallest unsigned type, int32 on overflow. */
    static IndexType narrowest(long[] values, boolean allowUint8) {
      if (values.length == 0) {
        return UINT8;
      }
      long max = Long.MIN_VALUE;
      long min = Long.MAX_VALUE;
      for (long value : values) {
        max = Math.max(max, value);
        min = Math.min(min, value);
      }
      if (min < 0) {
        return INT32;
      }
      if (allowUint8 && max <= 0xFF) {
        return UINT8;
      }
      return max <= 0xFFFF ? UINT16 : INT32;
    }
  }

  // ------------------------------------------------------------------ encoding

  /**
   * Encodes tensors as the reference encoder would: tensors in sorted name order, entries sorted by
   * position, tensors without entries left out, then zstd level 1.
   */
  public static byte[] encode(DeltaFormat format, List<TensorDelta> tensors) {
    return Zstd.compress(encodePayload(format, tensors), ZSTD_LEVEL);
  }

  /** The uncompressed payload; exposed to tests, which compare it with the reference's bytes. */
  static byte[] encodePayload(DeltaFormat format, List<TensorDelta> tensors) {
    List<TensorDelta> ordered = new ArrayList<>();
    for (TensorDelta tensor : tensors) {
      if (tensor.count() > 0) {
        ordered.add(sortedByPosition(tensor));
      }
    }
    ordered.sort(Comparator.comparing(TensorDelta::name, PythonText.ORDER));
    ObjectNode header = JSON.createObjectNode();
    header.put("version", format.headerVersion());
    ArrayNode metas = header.putArray("tensors");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    long offset = 0;
    for (TensorDelta tensor : ordered) {
      if (tensor.shape().length == 0) {
        throw new IllegalArgumentException("tensor '" + tensor.name() + "': the codec cannot carry 0-d tensors");
      }
      ObjectNode meta = metas.addObject();
      meta.put("name", tensor.name());
      ArrayNode shape = meta.putArray("shape");
      for (long dimension : tensor.shape()) {
        shape.add(dimension);
      }
      meta.put("num_nonzero", tensor.count());
      meta.put("value_dtype", tensor.valueType().headerName());
      byte[] values = new byte[tensor.values().remaining()];
      tensor.values().get(values);
      byte[] indices;
      if (format == DeltaFormat.V2) {
        ByteBuffer block = ByteBuffer.allocate(tensor.count() * 4).order(ByteOrder.LITTLE_ENDIAN);
        long previous = 0;
        for (int i = 0; i < tensor.count(); i++) {
          long position = tensor.position(i);
          if (position > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Flat indices exceed int32 range for v2 encoding");
          }
          block.putInt((int) (position - previous));
          previous = position;
        }
        indices = block.array();
        meta.put("indices_offset", offset);
        meta.put("indices_size", indices.length);
      } else {
        long columns = tensor.columns();
        long[] rowDeltas = new long[tensor.count()];
        long[] columnDeltas = new long[tensor.count()];
        long previousRow = 0;
        long previousColumn = 0;
        for (int i = 0; i < tensor.count(); i++) {
          long row = tensor.position(i) / columns;
          long column = tensor.position(i) % columns;
          rowDeltas[i] = row - previousRow;
          columnDeltas[i] = (i == 0 || rowDeltas[i] != 0) ? column : column - previousColumn;
          previousRow = row;
          previousColumn = column;
        }
        IndexType rowType = IndexType.INT32;
        IndexType columnType = IndexType.INT32;
        if (format == DeltaFormat.V3_1) {
          rowType = IndexType.narrowest(rowDeltas, true);
          columnType = IndexType.narrowest(columnDeltas, false);
          meta.put("row_dtype", rowType.name);
          meta.put("col_dtype", columnType.name);
        }
        ByteBuffer block = ByteBuffer.allocate(tensor.count() * (rowType.width + columnType.width))
            .order(ByteOrder.LITTLE_ENDIAN);
        for (long delta : rowDeltas) {
          rowType.write(block, delta);
        }
        for (long delta : columnDeltas) {
          columnType.write(block, delta);
        }
        indices = block.array();
        meta.put("indices_offset", offset);
        meta.put("indices_size", indices.length);
        meta.put("rows_size", (long) tensor.count() * rowType.width);
        meta.put("cols_size", (long) tensor.count() * columnType.width);
      }
      meta.put("values_offset", offset + indices.length);
      meta.put("values_size", values.length);
      data.writeBytes(indices);
      data.writeBytes(values);
      offset += indices.length + values.length;
    }
    byte[] headerBytes = CheckpointFiles.pythonJson(header, PythonJson.Style.COMPACT).getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(4 + headerBytes.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
    payload.putInt(headerBytes.length).put(headerBytes).put(data.toByteArray());
    return payload.array();
  }

  private static TensorDelta sortedByPosition(TensorDelta tensor) {
    long[] positions = tensor.positions();
    boolean sorted = true;
    for (int i = 1; i < positions.length && sorted; i++) {
      sorted = positions[i - 1] < positions[i];
    }
    if (sorted) {
      return tensor;
    }
    Integer[] order = new Integer[positions.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingLong(index -> positions[index]));
    int width = tensor.valueType().byteWidth();
    ByteBuffer source = tensor.values();
    ByteBuffer values = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    long[] sortedPositions = new long[positions.length];
    for (int i = 0; i < order.length; i++) {
      sortedPositions[i] = positions[order[i]];
      values.put(source.slice(order[i] * width, width));
    }
    values.flip();
    return new TensorDelta(tensor.name(), tensor.shape(), sortedPositions, tensor.valueType(), values);
  }
}
