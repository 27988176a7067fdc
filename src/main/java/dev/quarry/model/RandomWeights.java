package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Random weights drawn by libtorch on the device, for benchmarking model sizes without writing a
 * checkpoint: norms near 1, other matrices with standard deviation 1/sqrt(fan-in) (embeddings 0.5).
 */
final class RandomWeights implements WeightSource {

  @Override
  public NDArray load(NDManager manager, String name, long... shape) {
    Shape dimensions = new Shape(shape);
    if (name.endsWith("norm.weight")) {
      return manager.randomNormal(1f, 0.1f, dimensions, DataType.FLOAT32);
    }
    float scale = name.contains("embed_tokens") || name.contains("lm_head") || shape.length == 1
        ? 0.5f : (float) (1 / Math.sqrt(shape[shape.length - 1]));
    return manager.randomNormal(0f, scale, dimensions, DataType.FLOAT32);
  }

  @Override
  public NDArray loadStacked(NDManager manager, List<String> names, List<long[]> shapes) {
    try (NDScope scope = new NDScope()) {
      NDArray result = null;
      for (int i = 0; i < names.size(); i++) {
        NDArray part = load(manager, names.get(i), shapes.get(i));
        result = result == null ? part : result.concat(part, 0);
      }
      NDScope.unregister(result);
      return result;
    }
  }
}
