package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.storage.safetensors.HalfPrecision;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.TensorDType;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The weight tensors of a checkpoint directory: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}. Tensors are copied into libtorch as float32 through a small
 * reused staging buffer: bf16/f16 are widened in Java (DJL aborts the JVM on bf16), and no tensor
 * is ever held whole on the Java heap or in Java direct memory.
 */
final class CheckpointTensors implements WeightSource, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STAGING_BYTES = 32 << 20;

  private final Path directory;
  private final Map<String, SafetensorsFile> fileByTensor;
  private final List<SafetensorsFile> files;
  private ByteBuffer staging;

  private CheckpointTensors(Path directory, Map<String, SafetensorsFile> fileByTensor, List<SafetensorsFile> files) {
    this.directory = directory;
    this.fileByTensor = fileByTensor;
    this.files = files;
  }

  static CheckpointTensors open(Path directory) throws ModelLoadException {
    Path index = directory.resolve("model.safetensors.index.json");
    Path single = directory.resolve("model.safetensors");
    List<SafetensorsFile> opened = new ArrayList<>();
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(index)) {
        JsonNode weightMap = readIndex(index);
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
          String shardName = entry.getValue().asText();
          SafetensorsFile shard = byShard.get(shardName);
          if (shard == null) {
            Path shardPath = directory.resolve(shardName).normalize();
            if (!shardPath.startsWith(directory.normalize()) || !Files.isRegularFile(shardPath)) {
              throw new ModelLoadException(index + " lists shard '" + shardName + "', which is missing from "
                  + directory);
            }
            shard = SafetensorsFile.open(shardPath);
            opened.add(shard);
            byShard.put(shardName, shard);
          }
          if (!shard.contains(entry.getKey())) {
            throw new ModelLoadException(index + " places '" + entry.getKey() + "' in " + shardName
                + ", but that shard does not contain it");
          }
          byTensor.put(entry.getKey(), shard);
        }
      } else if (Files.isRegularFile(single)) {
        SafetensorsFile file = SafetensorsFile.open(single);
        opened.add(file);
        for (TensorInfo tensor : file.tensors()) {
          byTensor.put(tensor.name(), file);
        }
      } else {
        try (Stream<Path> listing = Files.list(directory)) {
          List<String> safetensors = listing.map(path -> path.getFileName().toString())
              .filter(name -> name.endsWith(".safetensors")).sorted().toList();
          throw new ModelLoadException("no model.safetensors or model.safetensors.index.json in " + directory
              + (safetensors.isEmpty() ? "" : " (found " + safetensors + " without an index)"));
        }
      }
      return new CheckpointTensors(directory, byTensor, opened);
    } catch (IOException exception) {
      closeQuietly(opened);
      if (exception instanceof ModelLoadException loadException) {
        throw loadException;
      }
      throw new ModelLoadException("cannot read the weights in " + directory + ": " + exception.getMessage(),
          exception);
    }
  }

  private static JsonNode readIndex(Path index) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(index));
    } catch (IOException exception) {
      throw new ModelLoadException("cannot parse " + index + ": " + exception.getMessage(), exception);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new ModelLoadException(index + " has no 'weight_map' object");
    }
    return weightMap;
  }

  @Override
  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(fileByTensor.keySet());
  }

  boolean contains(String name) {
    return fileByTensor.containsKey(name);
  }

  TensorInfo info(String name) throws ModelLoadException {
    SafetensorsFile file = fileByTensor.get(name);
    if (file == null) {
      throw new ModelLoadException("tensor '" + name + "' is missing from the checkpoint in " + directory);
    }
    TensorInfo info = file.tensor(name).orElseThrow();
    if (!info.dtype().isFloatingPoint()) {
      throw new ModelLoadException("tensor '" + name + "' is " + info.dtype().code() + ", expected a float type");
    }
    return info;
  }

  /** Loads one tensor as float32 after checking its shape. */
  @Override
  public NDArray load(NDManager manager, String name, long... expectedShape) throws ModelLoadException {
    checkShape(name, expectedShape);
    NDArray target = manager.create(new Shape(expectedShape), DataType.FLOAT32);
    copyRows(name, target, 0);
    return target;
  }

  /**
   * Loads tensors that share their trailing dimensions and stacks them along the first one, so
   * that e.g. the q, k and v projections become one matrix multiplied in a single call.
   */
  @Override
  public NDArray loadStacked(NDManager manager, List<String> names, List<long[]> shapes) throws ModelLoadException {
    long rows = 0;
    for (int i = 0; i < names.size(); i++) {
      checkShape(names.get(i), shapes.get(i));
      rows += shapes.get(i)[0];
    }
    long[] stackedShape = shapes.get(0).clone();
    stackedShape[0] = rows;
    NDArray target = manager.create(new Shape(stackedShape), DataType.FLOAT32);
    long offset = 0;
    for (int i = 0; i < names.size(); i++) {
      copyRows(names.get(i), target, offset);
      offset += shapes.get(i)[0];
    }
    return target;
  }

  private void checkShape(String name, long[] expectedShape) throws ModelLoadException {
    TensorInfo info = info(name);
    if (!Arrays.equals(info.shape(), expectedShape)) {
      throw new ModelLoadException("tensor '" + name + "' has shape " + Arrays.toString(info.shape())
          + " but config.json implies " + Arrays.toString(expectedShape) + " (" + directory + ")");
    }
  }

  /** Copies a tensor into rows [rowOffset, rowOffset + rows) of target, chunk by chunk. */
  private void copyRows(String name, NDArray target, long rowOffset) throws ModelLoadException {
    SafetensorsFile file = fileByTensor.get(name);
    TensorInfo info = info(name);
    long[] shape = info.shape();
    long rows = shape.length == 0 ? 1 : shape[0];
    long rowElements = rows == 0 ? 0 : info.elementCount() / rows;
    int width = info.dtype().byteWidth();
    if (staging == null) {
      staging = ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.nativeOrder());
    }
    long rowsPerChunk = Math.max(1, STAGING_BYTES / Math.max(1, rowElements * 4));
    if (rowElements * 4 > STAGING_BYTES) {
      throw new ModelLoadException("tensor '" + name + "' has rows of " + rowElements
          + " elements, too wide to stage; this engine supports rows up to " + STAGING_BYTES / 4 + " elements");
    }
    try {
      for (long row = 0; row < rows; row += rowsPerChunk) {
        long chunkRows = Math.min(rowsPerChunk, rows - row);
        int elements = Math.toIntExact(chunkRows * rowElements);
        ByteBuffer source = file.mapRange(name, row * rowElements * width, elements * width);
        staging.clear();
        widen(source, info.dtype(), elements, staging);
        staging.flip();
        long[] chunkShape = shape.length == 0 ? new long[] {1} : shape.clone();
        chunkShape[0] = chunkRows;
        NDManager manager = target.getManager();
        try (NDArray chunk = manager.create(staging, new Shape(chunkShape), DataType.FLOAT32)) {
          if (shape.length == 0) {
            target.set(new NDIndex(), chunk.reshape(new Shape()));
          } else {
            target.set(new NDIndex().addSliceDim(rowOffset + row, rowOffset + row + chunkRows), chunk);
          }
        }
      }
    } catch (IOException exception) {
      throw new ModelLoadException("cannot read tensor '" + name + "' from " + file.path() + ": "
          + exception.getMessage(), exception);
    }
  }

  private static void widen(ByteBuffer source, TensorDType dtype, int elements, ByteBuffer out) {
    switch (dtype) {
      case F32 -> {
        for (int i = 0; i < elements; i++) {
          out.putFloat(source.getFloat(i * 4));
        }
      }
      case BF16 -> {
        for (int i = 0; i < elements; i++) {
          out.putFloat(HalfPrecision.bfloat16ToFloat(source.getShort(i * 2)));
        }
      }
      case F16 -> {
        for (int i = 0; i < elements; i++) {
          out.putFloat(HalfPrecision.float16ToFloat(source.getShort(i * 2)));
        }
      }
      case F64 -> {
        for (int i = 0; i < elements; i++) {
          out.putFloat((float) source.getDouble(i * 8));
        }
      }
      default -> throw new IllegalStateException("not a float type: " + dtype);
    }
  }

  @Override
  public void close() {
    closeQuietly(files);
  }

  private static void closeQuietly(List<SafetensorsFile> files) {
    for (SafetensorsFile file : files) {
      try {
        file.close();
      } catch (IOException ignored) {
        // read-only files; nothing to flush
      }
    }
  }
}
