package dev.quarry.storage.pytorch;

import dev.quarry.storage.safetensors.TensorDType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A {@code torch.save} file opened for reading: the unpickled object tree and the tensor bytes.
 * Only plain data and tensors are accepted (see the package description); a file that needs
 * anything else, an old pre-zip checkpoint, a big-endian one or a truncated one fails with
 * {@link PytorchFormatException} naming the file.
 *
 * <pre>{@code
 * try (PytorchCheckpoint file = PytorchCheckpoint.open(path)) {
 *   Map<String, StoredTensor> weights = file.stateDict("model_state_dict");
 *   byte[] bytes = file.bytes(weights.get("model.layers.0.mlp.experts.5.up_proj.weight"));
 * }
 * }</pre>
 *
 * Tensor bytes come out in C order with the stored element type (views and shared storages are
 * resolved), little-endian, exactly what {@code tensor.numpy().tobytes()} gives in Python. Not
 * thread-safe.
 */
public final class PytorchCheckpoint implements AutoCloseable {

  private static final int CHUNK = 1 << 20;

  private final Path path;
  private final ZipFile zip;
  private final String prefix;
  private final Object root;

  private PytorchCheckpoint(Path path, ZipFile zip, String prefix, Object root) {
    this.path = path;
    this.zip = zip;
    this.prefix = prefix;
    this.root = root;
  }

  /** Opens and unpickles {@code path}; the tensor data stay on disk until asked for. */
  public static PytorchCheckpoint open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new java.nio.file.NoSuchFileException(path.toString());
    }
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException notZip) {
      throw new PytorchFormatException(path + " is not a PyTorch zip checkpoint (torch.save since 1.6); an old-format "
          + "file (saved with _use_new_zipfile_serialization=False) must be re-saved with a current torch", notZip);
    }
    try {
      String prefix = null;
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))) {
          if (prefix != null) {
            throw new PytorchFormatException(path + " holds more than one data.pkl");
          }
          prefix = name.substring(0, name.length() - "data.pkl".length());
        }
      }
      if (prefix == null) {
        throw new PytorchFormatException(path + " is a zip file without data.pkl, so not a torch.save checkpoint");
      }
      ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
      if (byteOrder != null) {
        String order = new String(read(zip, byteOrder, 16, path), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) {
          throw new PytorchFormatException(path + " was saved on a " + order + "-endian machine; only little-endian is supported");
        }
      }
      byte[] pickle = read(zip, zip.getEntry(prefix + "data.pkl"), Integer.MAX_VALUE - 16, path);
      Object root = Pickle.load(pickle, path.toString());
      return new PytorchCheckpoint(path, zip, prefix, root);
    } catch (IOException | RuntimeException failure) {
      zip.close();
      throw failure;
    }
  }

  /** The unpickled top-level object (for {@code torch.save({...})}, a {@code Map}). */
  public Object root() {
    return root;
  }

  public Path path() {
    return path;
  }

  /**
   * The tensors under {@code key} of a top-level dict ({@code "model_state_dict"} in BlockZero
   * files), in the file's order.
   *
   * @throws PytorchFormatException when the file holds no such dict or it holds something other than tensors
   */
  public Map<String, StoredTensor> stateDict(String key) throws PytorchFormatException {
    if (!(root instanceof Map<?, ?> top)) {
      throw new PytorchFormatException(path + " does not hold a dict at the top level");
    }
    if (!top.containsKey(key)) {
      throw new PytorchFormatException(path + " has no '" + key + "' entry (it has " + keys(top) + ")");
    }
    if (!(top.get(key) instanceof Map<?, ?> entries)) {
      throw new PytorchFormatException(path + ": '" + key + "' is not a dict");
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      if (!(entry.getKey() instanceof String name) || !(entry.getValue() instanceof StoredTensor tensor)) {
        throw new PytorchFormatException(path + ": '" + key + "' holds " + describe(entry.getKey()) + " -> "
            + describe(entry.getValue()) + ", not parameter name -> tensor");
      }
      tensors.put(name, tensor);
    }
    return Collections.unmodifiableMap(tensors);
  }

  /** The tensor's elements in C order (at most 2 GiB). */
  public byte[] bytes(StoredTensor tensor) throws IOException {
    long length = tensor.byteLength();
    if (length > Integer.MAX_VALUE - 16) {
      throw new PytorchFormatException(path + ": tensor " + tensor + " is too large to read whole; stream it");
    }
    ByteBuffer out = ByteBuffer.allocate((int) length);
    stream(tensor, chunk -> out.put(chunk));
    return out.array();
  }

  /**
   * Hands the tensor's C-order bytes to {@code sink} in chunks (each buffer is valid only during
   * the call). Contiguous tensors are streamed from the file; other views read their storage first.
   */
  public void stream(StoredTensor tensor, Consumer<ByteBuffer> sink) throws IOException {
    ZipEntry entry = storageEntry(tensor);
    int width = tensor.dtype().byteWidth();
    long storageBytes = tensor.storageElements() * width;
    if (entry.getSize() >= 0 && entry.getSize() < storageBytes) {
      throw new PytorchFormatException(path + ": storage " + tensor.storageKey() + " holds " + entry.getSize()
          + " bytes, fewer than its " + tensor.storageElements() + " elements need");
    }
    if (tensor.elementCount() == 0) {
      return;
    }
    if (tensor.contiguous()) {
      long start = tensor.storageOffset() * width;
      long remaining = tensor.byteLength();
      try (InputStream in = zip.getInputStream(entry)) {
        in.skipNBytes(start);
        byte[] buffer = new byte[(int) Math.min(CHUNK, remaining)];
        while (remaining > 0) {
          int wanted = (int) Math.min(buffer.length, remaining);
          int read = in.readNBytes(buffer, 0, wanted);
          if (read < wanted) {
            throw new PytorchFormatException(path + ": storage " + tensor.storageKey() + " ends early");
          }
          sink.accept(ByteBuffer.wrap(buffer, 0, read).asReadOnlyBuffer());
          remaining -= read;
        }
      } catch (java.io.EOFException truncated) {
        throw new PytorchFormatException(path + ": storage " + tensor.storageKey() + " ends early", truncated);
      }
      return;
    }
    byte[] storage = read(zip, entry, Integer.MAX_VALUE - 16, path);
    long[] shape = tensor.shape();
    long[] stride = tensor.stride();
    long[] index = new long[shape.length];
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, tensor.byteLength()));
    for (long element = 0; element < tensor.elementCount(); element++) {
      long position = tensor.storageOffset();
      for (int axis = 0; axis < shape.length; axis++) {
        position += index[axis] * stride[axis];
      }
      if (chunk.remaining() < width) {
        chunk.flip();
        sink.accept(chunk.asReadOnlyBuffer());
        chunk.clear();
      }
      chunk.put(storage, (int) (position * width), width);
      for (int axis = shape.length - 1; axis >= 0; axis--) {
        if (++index[axis] < shape[axis]) {
          break;
        }
        index[axis] = 0;
      }
    }
    chunk.flip();
    sink.accept(chunk.asReadOnlyBuffer());
  }

  /** A float32 copy of a floating-point tensor (bf16/f16 widened exactly, f64 narrowed). */
  public float[] floats(StoredTensor tensor) throws IOException {
    if (tensor.elementCount() > Integer.MAX_VALUE - 16) {
      throw new PytorchFormatException(path + ": tensor " + tensor + " has too many elements for one array");
    }
    float[] out = new float[(int) tensor.elementCount()];
    int[] next = {0};
    TensorDType dtype = tensor.dtype();
    stream(tensor, chunk -> {
      ByteBuffer data = chunk.order(ByteOrder.LITTLE_ENDIAN);
      while (data.hasRemaining()) {
        out[next[0]++] = switch (dtype) {
          case F32 -> data.getFloat();
          case F64 -> (float) data.getDouble();
          case BF16 -> Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
          case F16 -> dev.quarry.storage.safetensors.HalfPrecision.float16ToFloat(data.getShort());
          default -> throw new IllegalArgumentException("tensor of " + dtype.code() + " is not floating point");
        };
      }
    });
    return out;
  }

  private ZipEntry storageEntry(StoredTensor tensor) throws PytorchFormatException {
    ZipEntry entry = zip.getEntry(prefix + "data/" + tensor.storageKey());
    if (entry == null) {
      throw new PytorchFormatException(path + " lacks the record of storage " + tensor.storageKey());
    }
    return entry;
  }

  private static byte[] read(ZipFile zip, ZipEntry entry, int limit, Path path) throws IOException {
    if (entry.getSize() > limit) {
      throw new PytorchFormatException(path + ": record " + entry.getName() + " is larger than " + limit + " bytes");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] data = in.readNBytes(limit);
      if (entry.getSize() >= 0 && data.length != entry.getSize()) {
        throw new PytorchFormatException(path + ": record " + entry.getName() + " is truncated");
      }
      return data;
    } catch (ZipException corrupt) {
      throw new PytorchFormatException(path + ": record " + entry.getName() + " is corrupt (" + corrupt.getMessage() + ")", corrupt);
    }
  }

  private static List<String> keys(Map<?, ?> map) {
    List<String> names = new ArrayList<>();
    map.keySet().forEach(key -> names.add(String.valueOf(key)));
    return names;
  }

  private static String describe(Object value) {
    return value == null ? "None" : value instanceof StoredTensor ? "a tensor" : value.getClass().getSimpleName();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
