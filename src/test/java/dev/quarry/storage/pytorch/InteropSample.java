package dev.quarry.storage.pytorch;

import dev.quarry.storage.safetensors.TensorData;
import dev.quarry.storage.safetensors.TensorDType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The deterministic state dict whose Java-written file was checked with torch.load. */
final class InteropSample {

  private InteropSample() {}

  /** Everything: the expert group plus other element types, shapes and names. */
  static List<TensorData> tensors() {
    List<TensorData> tensors = new ArrayList<>(expertGroup());
    tensors.addAll(mixed());
    return tensors;
  }

  /** A float32 expert-group state dict like model_expgroup_<g>.pt. */
  static List<TensorData> expertGroup() {
    List<TensorData> tensors = new ArrayList<>();
    for (int layer = 0; layer < 2; layer++) {
      for (int expert : new int[] {5, 6}) {
        tensors.add(floats(ExpertName.of(layer, expert, "gate_proj"), 8, 16, layer * 100 + expert));
        tensors.add(floats(ExpertName.of(layer, expert, "up_proj"), 8, 16, layer * 100 + expert + 50));
        tensors.add(floats(ExpertName.of(layer, expert, "down_proj"), 16, 8, layer * 100 + expert + 70));
      }
    }
    return tensors;
  }

  /** bf16, int64, a 0-d tensor, an empty tensor and a non-ASCII name. */
  static List<TensorData> mixed() {
    List<TensorData> tensors = new ArrayList<>();
    tensors.add(TensorData.ofBfloat16("bf16", new long[] {3}, new float[] {1.5f, -2.25f, 1e-3f}));
    ByteBuffer longs = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(-2).putLong(1L << 40);
    tensors.add(new TensorData("i64", TensorDType.I64, new long[] {3}, longs.flip()));
    tensors.add(TensorData.ofFloat32("scalar", new long[] {}, new float[] {3.25f}));
    tensors.add(TensorData.ofFloat32("empty", new long[] {0, 4}, new float[] {}));
    tensors.add(TensorData.ofFloat32("caf\u00e9.\uD83D\uDE00", new long[] {1}, new float[] {7f}));
    return tensors;
  }

  private static TensorData floats(String name, int rows, int columns, int seed) {
    float[] values = new float[rows * columns];
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return TensorData.ofFloat32(name, new long[] {rows, columns}, values);
  }

  /** The reference's expert parameter names. */
  static final class ExpertName {
    static String of(int layer, int expert, String projection) {
      return "model.layers." + layer + ".mlp.experts." + expert + "." + projection + ".weight";
    }
  }
}
