package dev.quarry.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The Qwen2/Qwen3 decoder written in libtorch operations: embedding, per layer RMSNorm, fused
 * q/k/v projection (+ biases for Qwen2, per-head q/k RMSNorm for Qwen3), RoPE, grouped-query
 * attention, output projection, RMSNorm, fused gate/up SwiGLU MLP, then the final RMSNorm and the
 * output projection. Weights are float32 on the chosen device.
 *
 * <p>Two entry points share the layers: {@link #extend} runs new positions of a batch against a
 * {@link KvCache} (prefill and decode); {@link #forwardPacked} runs whole sequences without a cache
 * for the proof pass, attention blocked by query rows so memory stays linear in sequence length.
 * Not thread-safe: one caller at a time.
 */
final class QwenTransformer implements AutoCloseable {

  /** Attention scores are computed in blocks of at most this many floats. */
  static final long ATTENTION_BLOCK_FLOATS = 32L << 20;
  /** Query rows per attention block in the proof pass (before the memory budget lowers it). */
  static final long CAUSAL_BLOCK_ROWS = 128;
  /** Row chunk for the MLP and projections in the proof pass. */
  static final int PACKED_ROW_CHUNK = 2048;

  /**
   * One decoder layer. The input and post-attention RMSNorm weights are folded into the columns of
   * the projections that follow them, and the attention scale 1/sqrt(head_dim) into the query
   * weights (Qwen2) or the query norm (Qwen3): the same function with fewer passes over the data.
   */
  private record Layer(NDArray qkvWeight, NDArray qkvBias, NDArray queryNorm, NDArray keyNorm,
      NDArray outputWeight, NDArray outputBias, FeedForward feedForward) {}

  private final ModelConfig config;
  private final NDManager manager;
  private final Device device;
  private final NDArray embedding;
  private final NDArray finalNorm;
  private final NDArray outputProjection;
  private final List<Layer> layers;
  private long attentionBlockFloats = ATTENTION_BLOCK_FLOATS;
  private int rowChunk = PACKED_ROW_CHUNK;
  private NDArray ropeCos;
  private NDArray ropeSin;
  private long ropeLength;

  private QwenTransformer(ModelConfig config, NDManager manager, NDArray embedding, NDArray finalNorm,
      NDArray outputProjection, List<Layer> layers) {
    this.config = config;
    this.manager = manager;
    this.device = manager.getDevice();
    this.embedding = embedding;
    this.finalNorm = finalNorm;
    this.outputProjection = outputProjection;
    this.layers = layers;
  }

  static QwenTransformer load(ModelConfig config, WeightSource tensors, NDManager manager)
      throws ModelLoadException {
    return load(config, tensors, manager, SparseMoe.Selection.everyExpertInTheCheckpoint());
  }

  /**
   * Loads the weights; {@code experts} says which routed experts of each sparse layer to build (a
   * BlockZero miner builds only its group's, as the reference's partial model does).
   */
  static QwenTransformer load(ModelConfig config, WeightSource tensors, NDManager manager, SparseMoe.Selection experts)
      throws ModelLoadException {
    long hidden = config.hiddenSize();
    long queryWidth = (long) config.attentionHeads() * config.headDim();
    long keyValueWidth = (long) config.keyValueHeads() * config.headDim();
    long intermediate = config.intermediateSize();
    NDArray embedding = tensors.load(manager, "model.embed_tokens.weight", config.vocabSize(), hidden);
    NDArray finalNorm = tensors.load(manager, "model.norm.weight", hidden);
    NDArray output = config.tieWordEmbeddings() ? embedding
        : tensors.load(manager, "lm_head.weight", config.vocabSize(), hidden);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < config.layerCount(); i++) {
      String prefix = "model.layers." + i + ".";
      String attention = prefix + "self_attn.";
      NDArray qkvWeight = tensors.loadStacked(manager,
          List.of(attention + "q_proj.weight", attention + "k_proj.weight", attention + "v_proj.weight"),
          List.of(new long[] {queryWidth, hidden}, new long[] {keyValueWidth, hidden},
              new long[] {keyValueWidth, hidden}));
      NDArray qkvBias = null;
      if (config.attentionBias()) {
        qkvBias = tensors.loadStacked(manager,
            List.of(attention + "q_proj.bias", attention + "k_proj.bias", attention + "v_proj.bias"),
            List.of(new long[] {queryWidth}, new long[] {keyValueWidth}, new long[] {keyValueWidth}));
      }
      float scale = (float) Math.pow(config.headDim(), -0.5);
      NDArray queryNorm = null;
      NDArray keyNorm = null;
      if (config.architecture().normalizesQueryAndKey()) {
        queryNorm = tensors.load(manager, attention + "q_norm.weight", config.headDim()).muli(scale);
        keyNorm = tensors.load(manager, attention + "k_norm.weight", config.headDim());
      } else {
        Nd.narrow(qkvWeight, 0, 0, queryWidth).muli(scale).close();
        if (qkvBias != null) {
          Nd.narrow(qkvBias, 0, 0, queryWidth).muli(scale).close();
        }
      }
      try (NDArray inputNorm = tensors.load(manager, prefix + "input_layernorm.weight", hidden);
          NDArray row = inputNorm.reshape(1, hidden)) {
        qkvWeight.muli(row);
      }
      NDArray outputWeight = tensors.load(manager, attention + "o_proj.weight", hidden, queryWidth);
      NDArray outputBias = config.outputProjectionBias()
          ? tensors.load(manager, attention + "o_proj.bias", hidden) : null;
      FeedForward feedForward;
      if (config.moe() != null && config.moe().sparse(i)) {
        feedForward = SparseMoe.load(config, i, tensors, manager, experts);
      } else {
        NDArray gateUp = tensors.loadStacked(manager,
            List.of(prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"),
            List.of(new long[] {intermediate, hidden}, new long[] {intermediate, hidden}));
        try (NDArray postNorm = tensors.load(manager, prefix + "post_attention_layernorm.weight", hidden);
            NDArray row = postNorm.reshape(1, hidden)) {
          gateUp.muli(row);
        }
        NDArray down = tensors.load(manager, prefix + "mlp.down_proj.weight", hidden, intermediate);
        feedForward = new DenseMlp(gateUp, down, intermediate, config.rmsNormEpsilon());
      }
      layers.add(new Layer(qkvWeight, qkvBias, queryNorm, keyNorm, outputWeight, outputBias, feedForward));
    }
    return new QwenTransformer(config, manager, embedding, finalNorm, output, List.copyOf(layers));
  }

  /**
   * Changes the memory/speed trade-off of the blocked computations (tests use tiny blocks to
   * exercise the block boundaries; results do not depend on the sizes beyond float rounding).
   */
  void setBlockSizes(long attentionBlockFloats, int rowChunk) {
    this.attentionBlockFloats = Math.max(1, attentionBlockFloats);
    this.rowChunk = Math.max(1, rowChunk);
  }

  long attentionBlockFloats() {
    return attentionBlockFloats;
  }

  ModelConfig config() {
    return config;
  }

  NDManager manager() {
    return manager;
  }

  Device device() {
    return device;
  }

  /**
   * cos and sin of RoPE for positions [0, length), computed exactly as transformers does: inverse
   * frequencies 1 / theta^(2i/d) in float32, angles as float32 products, cos/sin by libtorch.
   */
  private void ensureRope(long length) {
    if (length <= ropeLength) {
      return;
    }
    long capacity = Math.max(length, Math.min(Math.max(256, ropeLength * 2), config.maxPositionEmbeddings()));
    int dim = config.headDim();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray exponents = manager.arange(0, dim, 2, DataType.INT64).toType(DataType.FLOAT32, false).div((float) dim);
      NDArray inverseFrequency = exponents.getNDArrayInternal().rpow((float) config.ropeTheta());
      inverseFrequency = inverseFrequency.getNDArrayInternal().rdiv(1f);
      NDArray positions = manager.arange(0, (int) capacity, 1, DataType.INT64).toType(DataType.FLOAT32, false);
      NDArray angles = positions.reshape(capacity, 1).mul(inverseFrequency.reshape(1, dim / 2));
      NDArray doubled = angles.concat(angles, -1);
      NDArray cos = doubled.cos();
      NDArray sin = doubled.sin();
      NDScope.unregister(cos, sin);
      if (ropeCos != null) {
        ropeCos.close();
        ropeSin.close();
      }
      ropeCos = cos;
      ropeSin = sin;
      ropeLength = capacity;
    }
  }

  /** cos/sin rows for the given positions (any shape), gathered on the device. */
  private NDArray[] rope(NDArray positions) {
    NDArray cos = Nd.embedding(positions, ropeCos);
    NDArray sin = Nd.embedding(positions, ropeSin);
    return new NDArray[] {cos, sin};
  }

  /**
   * Runs {@code n} new positions for every sequence of the batch. Keys and values are written to
   * cache slots [start, start + n); attention reads slots [0, start + n).
   *
   * @param ids token ids [batch, n], int64
   * @param positions RoPE positions [batch, n], int64 (slot minus the sequence's left padding)
   * @param cache the batch's cache
   * @param start first slot written
   * @param keyBias additive attention bias [batch, 1, n, start + n]: 0 where a query may attend a key,
   *     a large negative number where it may not (left padding, future positions)
   * @return final-normed hidden states [batch, n, hidden]
   */
  NDArray extend(NDArray ids, NDArray positions, KvCache cache, long start, NDArray keyBias) {
    long[] idShape = ids.getShape().getShape();
    long batch = idShape[0];
    long n = idShape[1];
    long end = start + n;
    ensureRope(cache.capacity());
    NDArray[] cosSin = rope(positions);
    NDArray cos = cosSin[0].expandDims(1);
    NDArray sin = cosSin[1].expandDims(1);
    int heads = config.attentionHeads();
    int keyValueHeads = config.keyValueHeads();
    int group = config.groupSize();
    int dim = config.headDim();
    NDArray x = Nd.embedding(ids, embedding);
    NDArray bias = keyBias.reshape(batch, 1, 1, n, end);
    for (int index = 0; index < layers.size(); index++) {
      Layer layer = layers.get(index);
      NDArray h = Nd.rmsNorm(x, config.rmsNormEpsilon());
      NDArray qkv = Nd.linear(h, layer.qkvWeight(), layer.qkvBias());
      NDArray q = Nd.narrow(qkv, -1, 0, (long) heads * dim).reshape(batch, n, heads, dim);
      NDArray k = Nd.narrow(qkv, -1, (long) heads * dim, (long) (heads + keyValueHeads) * dim)
          .reshape(batch, n, keyValueHeads, dim);
      NDArray v = Nd.narrow(qkv, -1, (long) (heads + keyValueHeads) * dim, (long) (heads + 2 * keyValueHeads) * dim)
          .reshape(batch, n, keyValueHeads, dim);
      if (layer.queryNorm() != null) {
        q = Nd.rmsNorm(q, layer.queryNorm(), config.rmsNormEpsilon());
        k = Nd.rmsNorm(k, layer.keyNorm(), config.rmsNormEpsilon());
      }
      q = Nd.rotary(q.transpose(0, 2, 1, 3), cos, sin);
      k = Nd.rotary(k.transpose(0, 2, 1, 3), cos, sin);
      v = v.transpose(0, 2, 1, 3);
      cache.write(index, start, end, k, v);
      NDArray keys = cache.keys(index, end);
      NDArray values = cache.values(index, end);
      // Group query heads by their key/value head: [batch, kvHeads, group * n, dim].
      NDArray grouped = q.reshape(batch, keyValueHeads, (long) group * n, dim);
      NDArray scores = grouped.matMul(keys.transpose(0, 1, 3, 2)).reshape(batch, keyValueHeads, group, n, end);
      NDArray probabilities = scores.add(bias).softmax(-1).reshape(batch, keyValueHeads, (long) group * n, end);
      NDArray attended = probabilities.matMul(values).reshape(batch, heads, n, dim).transpose(0, 2, 1, 3)
          .reshape(batch, n, (long) heads * dim);
      x = x.add(Nd.linear(attended, layer.outputWeight(), layer.outputBias()));
      x = x.add(layer.feedForward().apply(x, null));
    }
    return Nd.rmsNorm(x, finalNorm, config.rmsNormEpsilon());
  }

  /** Logits for hidden-state rows: [rows, hidden] to [rows, vocab]. */
  NDArray logits(NDArray hidden) {
    return Nd.linear(hidden, outputProjection, null);
  }

  /**
   * Runs whole sequences through the model without a cache: every position attends to itself and
   * the positions before it in its own sequence only (exactly what right padding plus a causal
   * mask gives real tokens, without computing the padding).
   *
   * @param sequences token ids of each sequence
   * @return final-normed hidden states of all positions, sequences concatenated: [sum of lengths, hidden]
   */
  NDArray forwardPacked(List<int[]> sequences) {
    return forwardPacked(sequences, null);
  }

  /**
   * As {@link #forwardPacked(List)}; sparse layers add their router logits ([rows, experts], in
   * layer order) to {@code routerLogits} when it is not null. Differentiable: with gradient
   * recording on, gradients flow to every weight that requires them (training).
   */
  NDArray forwardPacked(List<int[]> sequences, List<NDArray> routerLogits) {
    int total = 0;
    for (int[] sequence : sequences) {
      total += sequence.length;
    }
    long[] ids = new long[total];
    long[] positions = new long[total];
    int offset = 0;
    int longest = 0;
    for (int[] sequence : sequences) {
      for (int i = 0; i < sequence.length; i++) {
        ids[offset + i] = sequence[i];
        positions[offset + i] = i;
      }
      offset += sequence.length;
      longest = Math.max(longest, sequence.length);
    }
    ensureRope(longest);
    NDArray idArray = manager.create(ids).toDevice(device, false);
    NDArray[] cosSin = rope(manager.create(positions).toDevice(device, false));
    NDArray cos = cosSin[0].expandDims(1);
    NDArray sin = cosSin[1].expandDims(1);
    int heads = config.attentionHeads();
    int keyValueHeads = config.keyValueHeads();
    int dim = config.headDim();
    long queryWidth = (long) heads * dim;
    long keyValueWidth = (long) keyValueHeads * dim;
    NDArray x = Nd.embedding(idArray, embedding);
    for (Layer layer : layers) {
      NDArray h = Nd.rmsNorm(x, config.rmsNormEpsilon());
      NDArray qkv = Nd.linear(h, layer.qkvWeight(), layer.qkvBias());
      NDArray q = Nd.narrow(qkv, -1, 0, queryWidth).reshape(total, heads, dim);
      NDArray k = Nd.narrow(qkv, -1, queryWidth, queryWidth + keyValueWidth).reshape(total, keyValueHeads, dim);
      NDArray v = Nd.narrow(qkv, -1, queryWidth + keyValueWidth, queryWidth + 2 * keyValueWidth)
          .reshape(total, keyValueHeads, dim);
      if (layer.queryNorm() != null) {
        q = Nd.rmsNorm(q, layer.queryNorm(), config.rmsNormEpsilon());
        k = Nd.rmsNorm(k, layer.keyNorm(), config.rmsNormEpsilon());
      }
      q = Nd.rotary(q, cos, sin);
      k = Nd.rotary(k, cos, sin);
      NDList attended = new NDList();
      int sequenceStart = 0;
      for (int[] sequence : sequences) {
        attended.add(attendCausal(q, k, v, sequenceStart, sequence.length));
        sequenceStart += sequence.length;
      }
      NDArray attention = attended.size() == 1 ? attended.get(0) : NDArrays.concat(attended, 0);
      x = x.add(Nd.linear(attention, layer.outputWeight(), layer.outputBias()));
      x = x.add(chunkedMlp(layer, x, total, routerLogits));
    }
    return Nd.rmsNorm(x, finalNorm, config.rmsNormEpsilon());
  }

  /** Causal self-attention of one sequence (rows [start, start + length) of q/k/v), blocked by query rows. */
  private NDArray attendCausal(NDArray q, NDArray k, NDArray v, long start, long length) {
    int heads = config.attentionHeads();
    int keyValueHeads = config.keyValueHeads();
    int group = config.groupSize();
    int dim = config.headDim();
    // [kvHeads, length, dim] for keys/values; [kvHeads, group, length, dim] for queries.
    NDArray keys = Nd.narrow(k, 0, start, start + length).transpose(1, 0, 2);
    NDArray values = Nd.narrow(v, 0, start, start + length).transpose(1, 0, 2);
    NDArray queries = Nd.narrow(q, 0, start, start + length).transpose(1, 0, 2).reshape(keyValueHeads, group, length, dim);
    // Blocks of query rows see only the keys up to their last row, so causal attention costs about
    // half a square; smaller blocks waste less of the square but make more, smaller products.
    long block = Math.max(1, Math.min(Math.min(length, CAUSAL_BLOCK_ROWS),
        attentionBlockFloats / ((long) heads * length)));
    NDList outputs = new NDList();
    for (long queryStart = 0; queryStart < length; queryStart += block) {
      long queryEnd = Math.min(length, queryStart + block);
      long rows = queryEnd - queryStart;
      NDArray blockQueries = Nd.narrow(queries, 2, queryStart, queryEnd).reshape(keyValueHeads, group * rows, dim);
      NDArray visibleKeys = Nd.narrow(keys, 1, 0, queryEnd);
      NDArray visibleValues = Nd.narrow(values, 1, 0, queryEnd);
      NDArray scores = blockQueries.matMul(visibleKeys.transpose(0, 2, 1)).reshape(keyValueHeads, group, rows, queryEnd);
      NDArray bias = causalBias(queryStart, queryEnd);
      NDArray probabilities = scores.add(bias).softmax(-1).reshape(keyValueHeads, group * rows, queryEnd);
      NDArray out = probabilities.matMul(visibleValues).reshape(heads, rows, dim).transpose(1, 0, 2)
          .reshape(rows, (long) heads * dim);
      outputs.add(out);
    }
    return outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
  }

  /** Additive mask for queries [from, to) over keys [0, to): 0 on and below the diagonal, -inf-like above. */
  NDArray causalBias(long from, long to) {
    NDArray queryPositions = manager.arange(from, to, 1, DataType.INT64, device).reshape(to - from, 1);
    NDArray keyPositions = manager.arange(0, to, 1, DataType.INT64, device).reshape(1, to);
    NDArray allowed = keyPositions.lte(queryPositions);
    return Nd.where(allowed, manager.zeros(new Shape(1), DataType.FLOAT32, device),
        manager.full(new Shape(1), KvCache.MASKED, DataType.FLOAT32, device));
  }

  private NDArray chunkedMlp(Layer layer, NDArray x, int rows, List<NDArray> routerLogits) {
    // Sparse layers see all rows at once: the reference's routing fill value is a minimum over the
    // whole batch, so splitting rows could change which expert a row picks.
    if (rows <= rowChunk || layer.feedForward() instanceof SparseMoe) {
      return layer.feedForward().apply(x, routerLogits);
    }
    NDList parts = new NDList();
    for (int start = 0; start < rows; start += rowChunk) {
      parts.add(layer.feedForward().apply(Nd.narrow(x, 0, start, Math.min(rows, start + rowChunk)), routerLogits));
    }
    return NDArrays.concat(parts, 0);
  }

  /** The routed experts' weights by state-dict name (empty for a dense model). */
  java.util.Map<String, NDArray> expertWeights() {
    java.util.Map<String, NDArray> weights = new java.util.LinkedHashMap<>();
    for (Layer layer : layers) {
      if (layer.feedForward() instanceof SparseMoe sparse) {
        weights.putAll(sparse.expertWeights());
      }
    }
    return weights;
  }

  /** The sparse layers, in order. */
  List<SparseMoe> sparseLayers() {
    List<SparseMoe> sparse = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer.feedForward() instanceof SparseMoe block) {
        sparse.add(block);
      }
    }
    return sparse;
  }

  /** Bytes of float32 weights held on the device. */
  long parameterBytes() {
    long elements = embedding.size() + finalNorm.size() + (config.tieWordEmbeddings() ? 0 : outputProjection.size());
    for (Layer layer : layers) {
      for (NDArray array : new NDArray[] {layer.qkvWeight(), layer.qkvBias(), layer.queryNorm(), layer.keyNorm(),
          layer.outputWeight(), layer.outputBias()}) {
        elements += array == null ? 0 : array.size();
      }
      elements += layer.feedForward().elementCount();
    }
    return elements * 4;
  }

  @Override
  public void close() {
    manager.close();
  }

}
