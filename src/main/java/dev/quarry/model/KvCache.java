package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch, preallocated as [batch, kvHeads, capacity, headDim]
 * so that each decode step writes one slot in place instead of growing tensors. Rows can be
 * compacted when sequences finish, so finished sequences stop costing compute.
 */
final class KvCache implements AutoCloseable {

  /** Additive attention bias for masked keys: large enough to zero the softmax weight, finite so a
   *  fully masked row (a padding query) yields no NaN. */
  static final float MASKED = -1e30f;

  private final NDArray[] keys;
  private final NDArray[] values;
  private final long capacity;
  private long rows;

  KvCache(NDManager manager, ModelConfig config, long rows, long capacity) {
    this.capacity = capacity;
    this.rows = rows;
    this.keys = new NDArray[config.layerCount()];
    this.values = new NDArray[config.layerCount()];
    Shape shape = new Shape(rows, config.keyValueHeads(), capacity, config.headDim());
    for (int i = 0; i < keys.length; i++) {
      keys[i] = manager.zeros(shape, DataType.FLOAT32);
      values[i] = manager.zeros(shape, DataType.FLOAT32);
      NDScope.unregister(keys[i], values[i]);
    }
  }

  /** Bytes a cache of this size needs on the device. */
  static long bytes(ModelConfig config, long rows, long capacity) {
    return 2L * config.layerCount() * rows * config.keyValueHeads() * capacity * config.headDim() * 4;
  }

  long capacity() {
    return capacity;
  }

  long rows() {
    return rows;
  }

  void write(int layer, long start, long end, NDArray key, NDArray value) {
    NDIndex slots = new NDIndex().addAllDim().addAllDim().addSliceDim(start, end);
    keys[layer].set(slots, key);
    values[layer].set(slots, value);
  }

  /** A view of slots [0, end) of a layer's keys. */
  NDArray keys(int layer, long end) {
    return Nd.narrow(keys[layer], 2, 0, end);
  }

  NDArray values(int layer, long end) {
    return Nd.narrow(values[layer], 2, 0, end);
  }

  /** Keeps only the given batch rows (an int64 index on the device); the old tensors are freed. */
  void keepRows(NDArray rowIndex) {
    for (int i = 0; i < keys.length; i++) {
      keys[i] = replace(keys[i], rowIndex);
      values[i] = replace(values[i], rowIndex);
    }
    rows = rowIndex.getShape().get(0);
  }

  private static NDArray replace(NDArray old, NDArray rowIndex) {
    NDArray kept = old.get(new NDIndex("{}", rowIndex));
    NDScope.unregister(kept);
    old.close();
    return kept;
  }

  @Override
  public void close() {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        keys[i].close();
        values[i].close();
      }
    }
  }
}
