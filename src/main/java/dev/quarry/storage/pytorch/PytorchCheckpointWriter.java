package dev.quarry.storage.pytorch;

import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.storage.safetensors.TensorData;
import dev.quarry.storage.safetensors.TensorDType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code torch.save({key: {name: tensor, ...}})} files that {@code torch.load} reads: the
 * zip layout of torch 2.x ({@code <stem>/data.pkl}, {@code byteorder}, one {@code data/<n>} record
 * per tensor with its data aligned to 64 bytes, {@code version}), stored uncompressed, with a
 * protocol-2 pickle of contiguous tensors rebuilt by {@code torch._utils._rebuild_tensor_v2}.
 * Output is a pure function of the input (fixed timestamps, a serialization id derived from the
 * content), and appears atomically: it is written to {@code .tmp_<name>} beside the target and
 * moved into place, the naming BlockZero's checkpoint scans skip.
 */
public final class PytorchCheckpointWriter {

  /** torch.save's default top-level key for BlockZero's files. */
  public static final String MODEL_STATE_DICT = "model_state_dict";

  private static final Map<TensorDType, String> STORAGE_NAMES = Map.of(
      TensorDType.F32, "FloatStorage", TensorDType.F64, "DoubleStorage", TensorDType.F16, "HalfStorage",
      TensorDType.BF16, "BFloat16Storage", TensorDType.I64, "LongStorage", TensorDType.I32, "IntStorage",
      TensorDType.I16, "ShortStorage", TensorDType.I8, "CharStorage", TensorDType.U8, "ByteStorage",
      TensorDType.BOOL, "BoolStorage");

  private PytorchCheckpointWriter() {}

  /** Writes {@code {"model_state_dict": {tensor.name: tensor}}} to {@code target}, tensors in the given order. */
  public static void writeStateDict(Path target, List<TensorData> tensors) throws IOException {
    write(target, MODEL_STATE_DICT, tensors);
  }

  /** Writes {@code {key: {tensor.name: tensor}}} to {@code target}. */
  public static void write(Path target, String key, List<TensorData> tensors) throws IOException {
    write(target, key, tensors, false);
  }

  static void write(Path target, String key, List<TensorData> tensors, boolean forceZip64) throws IOException {
    Set<String> names = new HashSet<>();
    for (TensorData tensor : tensors) {
      if (!names.add(tensor.name())) {
        throw new IllegalArgumentException("duplicate tensor name '" + tensor.name() + "'");
      }
      if (tensor.data().remaining() >= 0xFFFFFFFFL) {
        throw new IllegalArgumentException("tensor " + tensor.name() + " is 4 GiB or larger; split it");
      }
    }
    String fileName = target.getFileName().toString();
    String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    if (stem.isEmpty()) {
      stem = "archive";
    }
    byte[] pickle = pickle(key, tensors);
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary = directory.resolve(".tmp_" + fileName);
    try {
      try (ZipWriter zip = new ZipWriter(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 20), forceZip64)) {
        zip.add(stem + "/data.pkl", ByteBuffer.wrap(pickle));
        zip.add(stem + "/.format_version", ascii("1"));
        zip.add(stem + "/.storage_alignment", ascii("64"));
        zip.add(stem + "/byteorder", ascii("little"));
        for (int index = 0; index < tensors.size(); index++) {
          zip.add(stem + "/data/" + index, tensors.get(index).data());
        }
        zip.add(stem + "/version", ascii("3\n"));
        zip.add(stem + "/.data/serialization_id", ascii(serializationId(pickle)));
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** The pickle torch.save writes for such a dict (see {@code Pickle} for the reading side). */
  static byte[] pickle(String key, List<TensorData> tensors) {
    PickleWriter out = new PickleWriter();
    out.emptyDict();
    out.string(key, false);
    out.emptyDict();
    for (int start = 0; start < tensors.size(); start += PickleWriter.batchSize()) {
      int end = Math.min(tensors.size(), start + PickleWriter.batchSize());
      out.mark();
      for (int index = start; index < end; index++) {
        TensorData tensor = tensors.get(index);
        out.string(tensor.name(), false);
        out.global("torch._utils", "_rebuild_tensor_v2");
        out.mark();
        // The persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel).
        out.mark();
        out.string("storage", true);
        out.global("torch", STORAGE_NAMES.get(tensor.dtype()));
        out.string(Integer.toString(index), false);
        out.string("cpu", true);
        long elements = tensor.data().remaining() / tensor.dtype().byteWidth();
        out.integer(elements);
        out.tupleFromMark();
        out.persistentId();
        out.integer(0);
        long[] shape = tensor.shape();
        out.tupleOfIntegers(shape);
        out.tupleOfIntegers(contiguousStrides(shape));
        out.bool(false);
        out.global("collections", "OrderedDict");
        out.emptyTuple();
        out.reduce();
        out.tupleFromMark();
        out.reduce();
      }
      out.setItems();
    }
    out.setItem();
    return out.finish();
  }

  static long[] contiguousStrides(long[] shape) {
    long[] stride = new long[shape.length];
    long step = 1;
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      stride[axis] = step;
      step *= shape[axis];
    }
    return stride;
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** torch writes a random 40-digit decimal id; ours comes from the pickle so output is reproducible. */
  private static String serializationId(byte[] pickle) {
    String digits = new java.math.BigInteger(1, Hashes.sha256(pickle)).toString();
    return (digits + "0".repeat(40)).substring(0, 40);
  }

  static String hex(byte[] bytes) {
    return Hex.encode(bytes);
  }
}
