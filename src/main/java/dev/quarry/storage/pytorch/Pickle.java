package dev.quarry.storage.pytorch;

import dev.quarry.storage.safetensors.TensorDType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of Python's unpickler that {@code torch.save} output needs (protocols 2 to 5), with a
 * fixed list of callables instead of imports: {@code collections.OrderedDict}, the tensor rebuild
 * functions and the storage classes. Anything else in a file is refused by name, so loading a
 * checkpoint can never run code. Values come out as Java objects: {@code Map} (dict, insertion
 * order kept), {@code List} (list), {@link Tuple}, {@code String}, {@code byte[]}, {@code Long} or
 * {@code BigInteger}, {@code Double}, {@code Boolean}, {@code null}, {@link StoredTensor}.
 */
final class Pickle {

  /** A Python tuple. */
  record Tuple(List<Object> items) {
    Tuple {
      items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
    }
  }

  /** A callable the file names with GLOBAL/STACK_GLOBAL; only the known ones are ever applied. */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** A storage reference from a persistent id: ('storage', StorageType, key, location, numel). */
  record StorageRef(TensorDType dtype, String key, long elements) {}

  static final Map<String, TensorDType> STORAGE_TYPES = Map.ofEntries(
      Map.entry("FloatStorage", TensorDType.F32), Map.entry("DoubleStorage", TensorDType.F64),
      Map.entry("HalfStorage", TensorDType.F16), Map.entry("BFloat16Storage", TensorDType.BF16),
      Map.entry("LongStorage", TensorDType.I64), Map.entry("IntStorage", TensorDType.I32),
      Map.entry("ShortStorage", TensorDType.I16), Map.entry("CharStorage", TensorDType.I8),
      Map.entry("ByteStorage", TensorDType.U8), Map.entry("BoolStorage", TensorDType.BOOL));

  private static final Object MARK = new Object() {
    @Override
    public String toString() {
      return "MARK";
    }
  };

  private final ByteBuffer in;
  private final String source;
  private final List<Object> stack = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private Pickle(byte[] data, String source) {
    this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    this.source = source;
  }

  /** Unpickles {@code data} (named {@code source} in errors). */
  static Object load(byte[] data, String source) throws PytorchFormatException {
    try {
      return new Pickle(data, source).run();
    } catch (java.nio.BufferUnderflowException truncated) {
      throw new PytorchFormatException(source + ": the pickle ends in the middle of an instruction");
    } catch (ClassCastException | IndexOutOfBoundsException malformed) {
      throw new PytorchFormatException(source + ": malformed pickle (" + malformed.getClass().getSimpleName() + ")");
    }
  }

  private Object run() throws PytorchFormatException {
    while (true) {
      int position = in.position();
      int opcode = in.get() & 0xff;
      switch (opcode) {
        case 0x80 -> { // PROTO
          int protocol = in.get() & 0xff;
          if (protocol > 5) {
            throw fail(position, "pickle protocol " + protocol + " is newer than 5");
          }
        }
        case 0x95 -> in.getLong(); // FRAME: framing only groups opcodes
        case '.' -> { // STOP
          if (stack.size() != 1) {
            throw fail(position, "STOP with " + stack.size() + " objects on the stack");
          }
          return stack.get(0);
        }
        case '(' -> stack.add(MARK);
        case ')' -> stack.add(new Tuple(List.of()));
        case '}' -> stack.add(new LinkedHashMap<>());
        case ']' -> stack.add(new ArrayList<>());
        case 't' -> stack.add(new Tuple(popToMark(position)));
        case 0x85 -> stack.add(new Tuple(popLast(1)));
        case 0x86 -> stack.add(new Tuple(popLast(2)));
        case 0x87 -> stack.add(new Tuple(popLast(3)));
        case 'l' -> stack.add(new ArrayList<>(popToMark(position)));
        case 'd' -> {
          List<Object> items = popToMark(position);
          Map<Object, Object> dict = new LinkedHashMap<>();
          for (int i = 0; i + 1 < items.size(); i += 2) {
            dict.put(key(items.get(i), position), items.get(i + 1));
          }
          stack.add(dict);
        }
        case 'N' -> stack.add(null);
        case 0x88 -> stack.add(Boolean.TRUE);
        case 0x89 -> stack.add(Boolean.FALSE);
        case 'J' -> stack.add((long) in.getInt());
        case 'K' -> stack.add((long) (in.get() & 0xff));
        case 'M' -> stack.add((long) (in.getShort() & 0xffff));
        case 0x8a -> stack.add(longValue(in.get() & 0xff));
        case 0x8b -> stack.add(longValue(checkedLength(in.getInt() & 0xffffffffL, position)));
        case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
        case 'X' -> stack.add(text(checkedLength(in.getInt() & 0xffffffffL, position)));
        case 0x8c -> stack.add(text(in.get() & 0xff));
        case 0x8d -> stack.add(text(checkedLength(in.getLong(), position)));
        case 'U' -> stack.add(latin1(in.get() & 0xff));
        case 'T' -> stack.add(latin1(checkedLength(in.getInt() & 0xffffffffL, position)));
        case 'C' -> stack.add(bytes(in.get() & 0xff));
        case 'B' -> stack.add(bytes(checkedLength(in.getInt() & 0xffffffffL, position)));
        case 0x8e -> stack.add(bytes(checkedLength(in.getLong(), position)));
        case 'c' -> stack.add(new Global(line(), line()));
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String moduleName) || !(name instanceof String globalName)) {
            throw fail(position, "STACK_GLOBAL needs two strings");
          }
          stack.add(new Global(moduleName, globalName));
        }
        case 'q' -> memo.put((long) (in.get() & 0xff), peek(position));
        case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek(position));
        case 0x94 -> memo.put((long) memo.size(), peek(position)); // MEMOIZE
        case 'h' -> stack.add(memoGet(in.get() & 0xff, position));
        case 'j' -> stack.add(memoGet(in.getInt() & 0xffffffffL, position));
        case 's' -> {
          Object value = pop();
          Object key = pop();
          dict(peek(position), position).put(key(key, position), value);
        }
        case 'u' -> {
          List<Object> items = popToMark(position);
          Map<Object, Object> dict = dict(peek(position), position);
          for (int i = 0; i + 1 < items.size(); i += 2) {
            dict.put(key(items.get(i), position), items.get(i + 1));
          }
        }
        case 'a' -> {
          Object value = pop();
          list(peek(position), position).add(value);
        }
        case 'e' -> {
          List<Object> items = popToMark(position);
          list(peek(position), position).addAll(items);
        }
        case 'Q' -> stack.add(persistent(pop(), position));
        case 'R' -> {
          Object arguments = pop();
          Object callable = pop();
          if (!(arguments instanceof Tuple tuple)) {
            throw fail(position, "REDUCE arguments are not a tuple");
          }
          stack.add(reduce(callable, tuple.items(), position));
        }
        case 'b' -> { // BUILD: only the empty state of an OrderedDict or a tensor is accepted
          Object state = pop();
          Object target = peek(position);
          if (state != null && !(state instanceof Map<?, ?> map && map.isEmpty())
              && !(state instanceof Tuple tuple && tuple.items().isEmpty())) {
            throw fail(position, "BUILD with state on " + describe(target) + " is not supported");
          }
        }
        default -> throw fail(position, String.format("opcode 0x%02x is not supported in a checkpoint", opcode));
      }
    }
  }

  private Object reduce(Object callable, List<Object> arguments, int position) throws PytorchFormatException {
    if (!(callable instanceof Global global)) {
      throw fail(position, "REDUCE on " + describe(callable) + ", which is not a callable");
    }
    switch (global.qualified()) {
      case "collections.OrderedDict" -> {
        if (!arguments.isEmpty()) {
          throw fail(position, "OrderedDict with arguments is not supported");
        }
        return new LinkedHashMap<>();
      }
      case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
        return tensor(arguments, position);
      }
      case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
        if (arguments.isEmpty() || !(arguments.get(0) instanceof StoredTensor tensor)) {
          throw fail(position, "a parameter without its tensor");
        }
        return tensor;
      }
      default -> throw fail(position, "the checkpoint calls " + global.qualified()
          + ", which is not part of a plain state dict; refusing to load it");
    }
  }

  /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
  private StoredTensor tensor(List<Object> arguments, int position) throws PytorchFormatException {
    if (arguments.size() < 4 || !(arguments.get(0) instanceof StorageRef storage)) {
      throw fail(position, "a tensor without a storage");
    }
    long offset = integer(arguments.get(1), position);
    long[] shape = integers(arguments.get(2), position);
    long[] stride = integers(arguments.get(3), position);
    if (shape.length != stride.length) {
      throw fail(position, "a tensor whose shape and stride differ in rank");
    }
    StoredTensor tensor = new StoredTensor(storage.dtype(), shape, stride, offset, storage.key(), storage.elements());
    long last = offset;
    for (int axis = 0; axis < shape.length; axis++) {
      if (shape[axis] < 0 || stride[axis] < 0) {
        throw fail(position, "a tensor with a negative size or stride");
      }
      if (shape[axis] == 0) {
        return tensor;
      }
      last += (shape[axis] - 1) * stride[axis];
    }
    if (offset < 0 || last >= storage.elements() && tensor.elementCount() > 0) {
      throw fail(position, "tensor " + tensor + " reaches past its storage of " + storage.elements() + " elements");
    }
    return tensor;
  }

  private StorageRef persistent(Object id, int position) throws PytorchFormatException {
    if (!(id instanceof Tuple tuple) || tuple.items().size() < 5 || !"storage".equals(tuple.items().get(0))) {
      throw fail(position, "a persistent id that is not a tensor storage: " + describe(id));
    }
    List<Object> items = tuple.items();
    if (!(items.get(1) instanceof Global type) || !type.module().equals("torch")) {
      throw fail(position, "a storage of unknown type " + describe(items.get(1)));
    }
    TensorDType dtype = STORAGE_TYPES.get(type.name());
    if (dtype == null) {
      throw fail(position, "storage type torch." + type.name() + " is not supported");
    }
    if (!(items.get(2) instanceof String key) || !key.matches("[0-9A-Za-z_.-]+")) {
      throw fail(position, "a storage key that is not a plain name");
    }
    return new StorageRef(dtype, key, integer(items.get(4), position));
  }

  // ---- helpers ---------------------------------------------------------------------------

  private List<Object> popToMark(int position) throws PytorchFormatException {
    int mark = stack.lastIndexOf(MARK);
    if (mark < 0) {
      throw fail(position, "no MARK on the stack");
    }
    List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  private List<Object> popLast(int count) {
    List<Object> items = new ArrayList<>(stack.subList(stack.size() - count, stack.size()));
    stack.subList(stack.size() - count, stack.size()).clear();
    return items;
  }

  private Object pop() {
    return stack.remove(stack.size() - 1);
  }

  private Object peek(int position) throws PytorchFormatException {
    if (stack.isEmpty()) {
      throw fail(position, "the stack is empty");
    }
    return stack.get(stack.size() - 1);
  }

  private Object memoGet(long index, int position) throws PytorchFormatException {
    if (!memo.containsKey(index)) {
      throw fail(position, "memo entry " + index + " was never stored");
    }
    return memo.get(index);
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object target, int position) throws PytorchFormatException {
    if (!(target instanceof Map<?, ?>)) {
      throw fail(position, "SETITEM on " + describe(target));
    }
    return (Map<Object, Object>) target;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object target, int position) throws PytorchFormatException {
    if (!(target instanceof List<?>)) {
      throw fail(position, "APPEND on " + describe(target));
    }
    return (List<Object>) target;
  }

  private Object key(Object key, int position) throws PytorchFormatException {
    if (key instanceof Map<?, ?> || key instanceof List<?> || key instanceof StoredTensor) {
      throw fail(position, "an unhashable dict key");
    }
    return key;
  }

  private long integer(Object value, int position) throws PytorchFormatException {
    if (value instanceof Long number) {
      return number;
    }
    throw fail(position, "expected an integer, found " + describe(value));
  }

  private long[] integers(Object value, int position) throws PytorchFormatException {
    if (!(value instanceof Tuple tuple)) {
      throw fail(position, "expected a tuple of integers, found " + describe(value));
    }
    long[] out = new long[tuple.items().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(tuple.items().get(i), position);
    }
    return out;
  }

  private int checkedLength(long length, int position) throws PytorchFormatException {
    if (length < 0 || length > in.remaining()) {
      throw fail(position, "a length of " + length + " bytes past the end of the pickle");
    }
    return (int) length;
  }

  private Object longValue(int length) {
    byte[] littleEndian = bytes(length);
    if (length == 0) {
      return 0L;
    }
    byte[] bigEndian = new byte[length];
    for (int i = 0; i < length; i++) {
      bigEndian[i] = littleEndian[length - 1 - i];
    }
    BigInteger value = new BigInteger(bigEndian);
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private byte[] bytes(int length) {
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  private String text(int length) {
    return new String(bytes(length), StandardCharsets.UTF_8);
  }

  private String latin1(int length) {
    return new String(bytes(length), StandardCharsets.ISO_8859_1);
  }

  private String line() throws PytorchFormatException {
    StringBuilder out = new StringBuilder();
    while (true) {
      if (!in.hasRemaining()) {
        throw fail(in.position(), "an unterminated GLOBAL name");
      }
      byte next = in.get();
      if (next == '\n') {
        return out.toString();
      }
      out.append((char) (next & 0xff));
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Global global) {
      return global.qualified();
    }
    return value.getClass().getSimpleName();
  }

  private PytorchFormatException fail(int position, String what) {
    return new PytorchFormatException(source + " (pickle offset " + position + "): " + what);
  }
}
