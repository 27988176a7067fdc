package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Hugging Face's sampling processors, in HF's order, run on the device: repetition penalty,
 * temperature, top-k, top-p, then one draw per row by inverse CDF from a uniform number supplied
 * by the caller (so a seed reproduces a generation exactly, whatever libtorch's own RNG does).
 *
 * <p>Top-k and top-p act on the few most likely tokens (a top-k of the vocabulary), never sorting
 * all ~150k logits per step. Where that shortcut cannot be exact (a tie at the k-th logit; for
 * top-p alone, the candidates holding less than top-p of the mass) the row is flagged with id -1
 * and the caller redraws with {@code exact = true}, which considers the whole vocabulary.
 */
final class Sampler {

  /** Candidates examined for top-p when top-k is off. */
  static final int TOP_P_CANDIDATES = 1024;

  private final SamplingParameters parameters;
  private final int vocabulary;

  Sampler(SamplingParameters parameters, int vocabulary) {
    this.parameters = parameters;
    this.vocabulary = vocabulary;
  }

  SamplingParameters parameters() {
    return parameters;
  }

  boolean needsPresence() {
    return parameters.repetitionPenalty() != 1.0;
  }

  /**
   * HF's repetition penalty: the logits of tokens already in the sequence are divided by the
   * penalty when positive and multiplied when negative. Works on the seen tokens' columns only
   * (gather, then an in-place scatter), never on a rows x vocabulary mask; duplicates are harmless
   * because every copy of a token receives the same value.
   *
   * @param logits [rows, vocab], modified in place
   * @param seenTokens [rows, seen] int64 ids of tokens in each sequence (prompt included)
   */
  NDArray penalize(NDArray logits, NDArray seenTokens) {
    if (parameters.repetitionPenalty() == 1.0 || seenTokens == null) {
      return logits;
    }
    float penalty = (float) parameters.repetitionPenalty();
    NDArray seen = logits.gather(seenTokens, 1);
    NDArray penalized = Nd.where(seen.lt(0f), seen.mul(penalty), seen.div(penalty));
    long rows = seenTokens.getShape().get(0);
    long count = seenTokens.getShape().get(1);
    NDArray rowIndex = logits.getManager().arange(0, rows, 1, DataType.INT64, logits.getDevice()).reshape(rows, 1)
        .broadcast(new Shape(rows, count));
    logits.set(new NDIndex("{}, {}", rowIndex, seenTokens), penalized);
    return logits;
  }

  /** Repetition penalty then temperature over the whole row: HF's first two processors. */
  NDArray process(NDArray logits, NDArray seenTokens) {
    NDArray scores = penalize(logits.duplicate(), seenTokens);
    if (parameters.temperature() != 1.0) {
      scores = scores.div((float) parameters.temperature());
    }
    return scores;
  }

  /** The candidate set a draw chooses from, most likely first, with its probabilities. */
  private record Candidates(NDArray ids, NDArray probabilities, NDArray unresolved, boolean fullVocabularyOrder) {}

  /**
   * @param scores penalised logits, temperature not yet applied (it is applied to the candidates
   *     only when top-k makes that sufficient: dividing by a positive temperature keeps the order)
   */
  private Candidates candidates(NDArray scores, boolean exact) {
    NDManager manager = scores.getManager();
    long rows = scores.getShape().get(0);
    int topK = parameters.topK();
    boolean useTopK = topK > 0 && topK < vocabulary;
    boolean useTopP = parameters.topP() < 1.0;
    float temperature = (float) parameters.temperature();
    NDArray unresolved = manager.zeros(new Shape(rows), DataType.BOOLEAN, scores.getDevice());
    if (!useTopK && !useTopP) {
      NDArray scaled = temperature == 1f ? scores : scores.div(temperature);
      return new Candidates(null, scaled.softmax(-1), unresolved, true);
    }
    NDArray scaled = useTopK || temperature == 1f ? scores : scores.div(temperature);
    int count = exact ? vocabulary : useTopK ? Math.min(vocabulary, topK + 1) : Math.min(vocabulary, TOP_P_CANDIDATES);
    NDList top = scaled.topK(count, -1, true, true);
    NDArray values = top.get(0);
    NDArray ids = top.get(1);
    NDArray probabilities;
    if (useTopK) {
      if (temperature != 1f) {
        values = values.div(temperature);
      }
      NDArray kth = Nd.narrow(values, 1, topK - 1, topK);
      NDArray kept = values.gte(kth);
      if (count < vocabulary) {
        unresolved = unresolved.logicalOr(Nd.narrow(values, 1, topK, topK + 1).eq(kth).reshape(rows));
      }
      NDArray masked = Nd.where(kept, values, manager.full(new Shape(1), Float.NEGATIVE_INFINITY,
          DataType.FLOAT32, scores.getDevice()));
      probabilities = masked.softmax(-1);
    } else if (count < vocabulary) {
      NDArray max = Nd.narrow(values, 1, 0, 1);
      NDArray logSumExp = scaled.sub(max).exp().sum(new int[] {-1}, true).log().add(max);
      probabilities = values.sub(logSumExp).exp();
    } else {
      probabilities = values.softmax(-1);
    }
    if (useTopP) {
      float topP = (float) parameters.topP();
      NDArray cumulative = probabilities.cumSum(1);
      NDArray massAbove = cumulative.sub(probabilities);
      NDArray first = manager.arange(0, count, 1, DataType.INT64, scores.getDevice()).eq(0L).reshape(1, count);
      NDArray kept = massAbove.lt(topP).logicalOr(first);
      if (!useTopK && count < vocabulary) {
        unresolved = unresolved.logicalOr(Nd.narrow(cumulative, 1, count - 1, count).lt(topP).reshape(rows));
      }
      probabilities = probabilities.mul(kept.toType(DataType.FLOAT32, false));
    }
    return new Candidates(ids, probabilities, unresolved, false);
  }

  /**
   * Draws one token per row.
   *
   * @param logits raw logits [rows, vocab]
   * @param seenTokens [rows, seen] int64 ids already in each sequence (only read with a penalty; may be null)
   * @param uniforms [rows] numbers in [0, 1)
   * @param exact consider the whole vocabulary (slow; for rows flagged by a fast draw)
   * @return [rows] int64 token ids; -1 marks a row the fast draw could not decide exactly
   */
  NDArray sample(NDArray logits, NDArray seenTokens, NDArray uniforms, boolean exact) {
    NDArray scores = penalize(needsPresence() ? logits.duplicate() : logits, seenTokens);
    Candidates candidates = candidates(scores, exact);
    long rows = scores.getShape().get(0);
    NDArray probabilities = candidates.probabilities();
    long count = probabilities.getShape().get(1);
    NDArray cumulative = probabilities.cumSum(1);
    NDArray total = Nd.narrow(cumulative, 1, count - 1, count);
    NDArray target = uniforms.reshape(rows, 1).mul(total);
    NDArray choice = cumulative.lte(target).toType(DataType.INT64, false).sum(new int[] {1});
    NDArray ids;
    if (candidates.fullVocabularyOrder()) {
      // Rounding can push the target to the total: fall back to the most likely token.
      ids = Nd.where(choice.gte((long) count), probabilities.argMax(1), choice);
    } else {
      NDArray lastKept = probabilities.gt(0f).toType(DataType.INT64, false).sum(new int[] {1}).sub(1L);
      NDArray clamped = choice.minimum(lastKept).maximum(0L);
      ids = candidates.ids().gather(clamped.reshape(rows, 1), 1).reshape(rows);
    }
    NDArray unknown = scores.getManager().full(new Shape(1), -1, DataType.INT64, scores.getDevice());
    return Nd.where(candidates.unresolved(), unknown, ids);
  }

  /**
   * The distribution a draw samples from, over the whole vocabulary ([rows, vocab], rows summing
   * to 1): HF's processors applied and the result renormalised, as HF's softmax of the processed
   * scores gives it.
   */
  NDArray distribution(NDArray logits, NDArray seenTokens) {
    NDArray scores = penalize(logits.duplicate(), seenTokens);
    Candidates candidates = candidates(scores, true);
    NDArray probabilities = candidates.probabilities();
    NDArray normalized = probabilities.div(probabilities.sum(new int[] {1}, true));
    if (candidates.fullVocabularyOrder()) {
      return normalized;
    }
    return scores.zerosLike().scatter(candidates.ids(), normalized, 1);
  }
}
