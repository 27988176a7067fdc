package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Set;

/** Where the transformer's float32 weights come from: a checkpoint, or random values for benchmarks. */
interface WeightSource {

  /** One tensor of the given shape; a missing or mis-shaped tensor is a load error. */
  NDArray load(NDManager manager, String name, long... shape) throws ModelLoadException;

  /** Several tensors stacked along their first dimension (e.g. q, k and v into one projection). */
  NDArray loadStacked(NDManager manager, List<String> names, List<long[]> shapes) throws ModelLoadException;

  /** The names of the tensors available (sparse layers discover their experts from them). */
  default Set<String> names() {
    return Set.of();
  }
}
