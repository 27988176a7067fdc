package dev.quarry.storage.checkpoint;

import dev.quarry.storage.safetensors.HalfPrecision;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.SafetensorsWriter;
import dev.quarry.storage.safetensors.TensorDType;
import dev.quarry.storage.safetensors.TensorData;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds full weights from a base checkpoint and a chain of sparse deltas, as the reference's
 * {@code apply_sparse_delta} does, but on files: the base is written once to the output safetensors
 * file, each delta's values are then assigned in place (oldest delta first), so memory stays small
 * however large the model.
 *
 * <p>Reference semantics kept exactly: every tensor is cast to the dtype of the first tensor the
 * reference's loader yields (normally all are bf16 and nothing changes); delta values are cast to
 * that dtype with round-to-nearest-even; tensors of the base that a delta does not mention are kept;
 * delta tensors the base lacks are ignored. One deliberate difference: a delta whose shape differs
 * from the base tensor's is refused instead of silently reshaping.
 */
public final class DeltaApplier {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaApplier.class);

  private DeltaApplier() {}

  /**
   * Writes {@code output} (a single safetensors file) from the weights in {@code baseDirectory} with
   * {@code deltas} applied in order, and returns the weights hash of the result.
   */
  public static String rebuild(Path baseDirectory, List<List<TensorDelta>> deltas, Path output) throws IOException {
    List<DeltaLoader> loaders = new ArrayList<>();
    for (List<TensorDelta> delta : deltas) {
      loaders.add(() -> delta);
    }
    return rebuildFrom(baseDirectory, loaders, output);
  }

  /** Supplies one decoded delta when it is applied, so a long chain never sits in memory at once. */
  @FunctionalInterface
  public interface DeltaLoader {
    List<TensorDelta> load() throws IOException;
  }

  /** As {@link #rebuild}, decoding each delta only when its turn comes. */
  public static String rebuildFrom(Path baseDirectory, List<DeltaLoader> deltas, Path output) throws IOException {
    TensorDType targetType;
    try (CheckpointWeights base = CheckpointWeights.open(baseDirectory)) {
      List<String> loadOrder = base.namesInLoadOrder();
      if (loadOrder.isEmpty()) {
        throw new CorruptCheckpointException("base checkpoint " + baseDirectory + " has no tensors");
      }
      targetType = base.info(loadOrder.get(0)).dtype();
      List<TensorData> tensors = new ArrayList<>();
      for (String name : loadOrder) {
        TensorInfo info = base.info(name);
        ByteBuffer bytes = base.map(name);
        if (info.dtype() != targetType) {
          bytes = cast(name, bytes, info.dtype(), targetType, info.elementCount());
        }
        tensors.add(new TensorData(name, targetType, info.shape(), bytes));
      }
      SafetensorsWriter.write(output, tensors, Map.of("format", "pt"));
    }
    try {
      patchInPlace(output, deltas, targetType);
      try (SafetensorsFile result = SafetensorsFile.open(output)) {
        Map<String, ByteBuffer> bytes = new LinkedHashMap<>();
        for (TensorInfo tensor : result.tensors()) {
          bytes.put(tensor.name(), result.map(tensor.name()));
        }
        return WeightsHash.ofTensors(bytes);
      }
    } catch (IOException | RuntimeException exception) {
      Files.deleteIfExists(output);
      throw exception;
    }
  }

  private static void patchInPlace(Path file, List<DeltaLoader> deltas, TensorDType targetType) throws IOException {
    Map<String, TensorInfo> infos = new HashMap<>();
    long dataStart;
    try (SafetensorsFile written = SafetensorsFile.open(file)) {
      for (TensorInfo tensor : written.tensors()) {
        infos.put(tensor.name(), tensor);
      }
      dataStart = Files.size(file) - written.tensors().stream().mapToLong(TensorInfo::byteLength).sum();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      int step = 0;
      for (DeltaLoader loader : deltas) {
        step++;
        for (TensorDelta tensor : loader.load()) {
          TensorInfo info = infos.get(tensor.name());
          if (info == null) {
            LOG.warn("delta {} of {} carries tensor '{}' which the base does not have; ignored, as the reference does",
                step, deltas.size(), tensor.name());
            continue;
          }
          if (!Arrays.equals(info.shape(), tensor.shape())) {
            throw new CorruptCheckpointException("delta " + step + " of " + deltas.size() + " gives tensor '"
                + tensor.name() + "' shape " + Arrays.toString(tensor.shape()) + " but the base has "
                + Arrays.toString(info.shape()));
          }
          MappedByteBuffer target = channel.map(FileChannel.MapMode.READ_WRITE, dataStart + info.dataBegin(),
              info.byteLength());
          target.order(ByteOrder.LITTLE_ENDIAN);
          assign(target, targetType, tensor, info.elementCount());
          target.force();
        }
      }
    }
  }

  /** {@code tensor[position] = value} for every entry, converting values to the tensor's type. */
  static void assign(ByteBuffer target, TensorDType targetType, TensorDelta delta, long elementCount)
      throws CorruptCheckpointException {
    ByteBuffer values = delta.values();
    int sourceWidth = delta.valueType().byteWidth();
    int targetWidth = targetType.byteWidth();
    boolean sameType = delta.valueType().tensorType() == targetType;
    for (int i = 0; i < delta.count(); i++) {
      long position = delta.position(i);
      if (position < 0 || position >= elementCount) {
        throw new CorruptCheckpointException("delta position " + position + " is outside tensor '" + delta.name()
            + "' (" + elementCount + " elements)");
      }
      int at = Math.toIntExact(position * targetWidth);
      if (sameType) {
        for (int b = 0; b < targetWidth; b++) {
          target.put(at + b, values.get(i * sourceWidth + b));
        }
      } else {
        writeFloat(target, at, targetType, readFloat(values, i * sourceWidth, delta.valueType().tensorType()));
      }
    }
  }

  /** Converts a whole tensor between floating types (element by element through float32). */
  static ByteBuffer cast(String name, ByteBuffer source, TensorDType from, TensorDType to, long count)
      throws CorruptCheckpointException {
    if (!from.isFloatingPoint() || !to.isFloatingPoint() || from == TensorDType.F64 || to == TensorDType.F64) {
      throw new CorruptCheckpointException("cannot cast tensor '" + name + "' from " + from.code() + " to " + to.code()
          + " while applying a delta");
    }
    ByteBuffer result = ByteBuffer.allocate(Math.toIntExact(count * to.byteWidth())).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < count; i++) {
      writeFloat(result, Math.toIntExact(i * to.byteWidth()), to, readFloat(source, Math.toIntExact(i * from.byteWidth()), from));
    }
    return result;
  }

  private static float readFloat(ByteBuffer buffer, int at, TensorDType type) {
    return switch (type) {
      case BF16 -> HalfPrecision.bfloat16ToFloat(buffer.getShort(at));
      case F16 -> HalfPrecision.float16ToFloat(buffer.getShort(at));
      case F32 -> buffer.getFloat(at);
      default -> throw new IllegalStateException("not a delta value type: " + type);
    };
  }

  private static void writeFloat(ByteBuffer buffer, int at, TensorDType type, float value) {
    switch (type) {
      case BF16 -> buffer.putShort(at, HalfPrecision.floatToBfloat16(value));
      case F16 -> buffer.putShort(at, HalfPrecision.floatToFloat16(value));
      case F32 -> buffer.putFloat(at, value);
      default -> throw new IllegalStateException("not a floating type: " + type);
    }
  }
}
