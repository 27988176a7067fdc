package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BlockZero's sparse mixture-of-experts block ({@code custom_qwen3_next.py::SparseMoeBlock} with
 * its {@code TopKRouter}), applied to the post-attention RMSNorm output {@code h} of each row:
 *
 * <ol>
 *   <li>router logits {@code h · W_router^T} over all {@code num_experts} ids, softmax in float32;
 *   <li>ids whose expert is not in this layer are masked with {@code max(min(all probabilities) - 1e-6, 0)}
 *       (one scalar over the whole batch), then the top-k are kept and, with {@code norm_topk_prob},
 *       divided by their sum;
 *   <li>each present expert computes {@code down(silu(gate(h)) · up(h))} for the rows that picked it,
 *       scaled by that row's weight; picks of absent experts contribute nothing;
 *   <li>plus the shared expert's SwiGLU output scaled by {@code sigmoid(h · w_shared_gate)}.
 * </ol>
 *
 * Weights keep the reference's state-dict names ({@code mlp.gate.weight.weight} is the router:
 * a Linear inside the router module), and each routed projection is its own array so a trainer
 * can mark exactly one expert group's weights as requiring gradients.
 */
final class SparseMoe implements FeedForward {

  /** One SwiGLU expert: gate and up [intermediate, hidden], down [hidden, intermediate]. */
  record Expert(NDArray gate, NDArray up, NDArray down) {
    NDArray apply(NDArray h) {
      return Nd.linear(Nd.silu(Nd.linear(h, gate, null)).mul(Nd.linear(h, up, null)), down, null);
    }

    long elementCount() {
      return gate.size() + up.size() + down.size();
    }
  }

  /** Which routed experts of a sparse layer to build. */
  interface Selection {
    List<Integer> experts(int layer, Set<String> available) throws ModelLoadException;

    /** Every expert whose weights the checkpoint holds (inference on a full model). */
    static Selection everyExpertInTheCheckpoint() {
      return (layer, available) -> {
        Pattern pattern = Pattern.compile("model\\.layers\\." + layer + "\\.mlp\\.experts\\.(\\d+)\\.gate_proj\\.weight");
        TreeSet<Integer> ids = new TreeSet<>();
        for (String name : available) {
          Matcher matcher = pattern.matcher(name);
          if (matcher.matches()) {
            ids.add(Integer.parseInt(matcher.group(1)));
          }
        }
        return List.copyOf(ids);
      };
    }

    /** Exactly these experts per layer (a BlockZero miner's group); every sparse layer must be listed. */
    static Selection of(Map<Integer, List<Integer>> experts) {
      return (layer, available) -> {
        List<Integer> ids = experts.get(layer);
        if (ids == null || ids.isEmpty()) {
          throw new ModelLoadException("the expert group lists no experts for sparse layer " + layer);
        }
        return ids;
      };
    }
  }

  private final String prefix;
  private final NDArray normWeight;
  private final NDArray router;
  private final NDArray present;
  private final Map<Integer, Expert> experts;
  private final Expert shared;
  private final NDArray sharedGate;
  private final int topK;
  private final boolean normalize;
  private final double epsilon;
  private final Set<Integer> touched = new LinkedHashSet<>();

  private SparseMoe(String prefix, NDArray normWeight, NDArray router, NDArray present, Map<Integer, Expert> experts,
      Expert shared, NDArray sharedGate, int topK, boolean normalize, double epsilon) {
    this.prefix = prefix;
    this.normWeight = normWeight;
    this.router = router;
    this.present = present;
    this.experts = experts;
    this.shared = shared;
    this.sharedGate = sharedGate;
    this.topK = topK;
    this.normalize = normalize;
    this.epsilon = epsilon;
  }

  static SparseMoe load(ModelConfig config, int layer, WeightSource tensors, NDManager manager, Selection selection)
      throws ModelLoadException {
    MoeConfig moe = config.moe();
    long hidden = config.hiddenSize();
    long width = moe.expertIntermediateSize();
    long sharedWidth = moe.sharedExpertIntermediateSize();
    String prefix = "model.layers." + layer + ".";
    List<Integer> ids = selection.experts(layer, tensors.names());
    if (ids.isEmpty()) {
      throw new ModelLoadException("sparse layer " + layer + " has no experts in the checkpoint");
    }
    boolean[] mask = new boolean[moe.numExperts()];
    Map<Integer, Expert> experts = new LinkedHashMap<>();
    for (int id : new TreeSet<>(ids)) {
      if (id < 0 || id >= moe.numExperts()) {
        throw new ModelLoadException("expert " + id + " of layer " + layer + " is outside the router's " + moe.numExperts()
            + " experts (num_experts)");
      }
      mask[id] = true;
      String expert = prefix + "mlp.experts." + id + ".";
      experts.put(id, new Expert(tensors.load(manager, expert + "gate_proj.weight", width, hidden),
          tensors.load(manager, expert + "up_proj.weight", width, hidden),
          tensors.load(manager, expert + "down_proj.weight", hidden, width)));
    }
    String sharedPrefix = prefix + "mlp.shared_expert.";
    Expert shared = new Expert(tensors.load(manager, sharedPrefix + "gate_proj.weight", sharedWidth, hidden),
        tensors.load(manager, sharedPrefix + "up_proj.weight", sharedWidth, hidden),
        tensors.load(manager, sharedPrefix + "down_proj.weight", hidden, sharedWidth));
    return new SparseMoe(prefix, tensors.load(manager, prefix + "post_attention_layernorm.weight", hidden),
        tensors.load(manager, prefix + "mlp.gate.weight.weight", moe.numExperts(), hidden),
        manager.create(mask), experts, shared, tensors.load(manager, prefix + "mlp.shared_expert_gate.weight", 1, hidden),
        moe.expertsPerToken(), moe.normalizeTopK(), config.rmsNormEpsilon());
  }

  @Override
  public NDArray apply(NDArray x, List<NDArray> routerLogits) {
    Shape shape = x.getShape();
    long hidden = shape.get(shape.dimension() - 1);
    long rows = shape.size() / hidden;
    NDArray h = Nd.rmsNorm(x.reshape(rows, hidden), normWeight, epsilon);
    NDArray logits = Nd.linear(h, router, null);
    if (routerLogits != null) {
      routerLogits.add(logits);
    }
    NDArray probabilities = logits.softmax(-1);
    // The reference computes the fill value in Python from .item(): no gradient flows through it.
    float fill = (float) Math.max((double) probabilities.min().getFloat() - 1e-6, 0.0);
    NDArray masked = Nd.where(present.reshape(1, present.size()), probabilities,
        probabilities.getManager().full(new Shape(1), fill, DataType.FLOAT32, probabilities.getDevice()));
    NDList top = masked.topK(topK, -1, true, true);
    NDArray weights = top.get(0);
    NDArray selected = top.get(1);
    if (normalize) {
      weights = weights.div(weights.sum(new int[] {-1}, true));
    }
    NDArray out = h.zerosLike();
    for (Map.Entry<Integer, Expert> entry : experts.entrySet()) {
      NDArray hit = selected.eq(entry.getKey());
      NDArray rowIndices = hit.toType(DataType.INT32, false).sum(new int[] {-1}).gt(0).nonzero();
      long count = rowIndices.getShape().get(0);
      if (count == 0) {
        continue;
      }
      touched.add(entry.getKey());
      NDArray picked = rowIndices.reshape(count);
      NDArray rowWeights = Nd.embedding(picked, weights.mul(hit.toType(DataType.FLOAT32, false)).sum(new int[] {-1}, true));
      NDArray contribution = entry.getValue().apply(Nd.embedding(picked, h)).mul(rowWeights);
      NDArray scatterIndex = picked.reshape(count, 1).broadcast(new Shape(count, hidden));
      out = out.add(h.zerosLike().scatter(scatterIndex, contribution, 0));
    }
    NDArray sharedOut = shared.apply(h).mul(ai.djl.nn.Activation.sigmoid(Nd.linear(h, sharedGate, null)));
    return out.add(sharedOut).reshape(shape);
  }

  /** The routed experts' weights by their state-dict names. */
  Map<String, NDArray> expertWeights() {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    experts.forEach((id, expert) -> {
      String name = prefix + "mlp.experts." + id + ".";
      weights.put(name + "gate_proj.weight", expert.gate());
      weights.put(name + "up_proj.weight", expert.up());
      weights.put(name + "down_proj.weight", expert.down());
    });
    return weights;
  }

  /** State-dict names of the experts that received at least one row since the last {@link #clearTouched()}. */
  List<String> touchedWeights() {
    List<String> names = new ArrayList<>();
    for (int id : touched) {
      String name = prefix + "mlp.experts." + id + ".";
      names.add(name + "gate_proj.weight");
      names.add(name + "up_proj.weight");
      names.add(name + "down_proj.weight");
    }
    return Collections.unmodifiableList(names);
  }

  void clearTouched() {
    touched.clear();
  }

  /** The expert ids present, in order. */
  Set<Integer> expertIds() {
    return Collections.unmodifiableSet(experts.keySet());
  }

  int topK() {
    return topK;
  }

  @Override
  public long elementCount() {
    long count = normWeight.size() + router.size() + shared.elementCount() + sharedGate.size();
    for (Expert expert : experts.values()) {
      count += expert.elementCount();
    }
    return count;
  }
}
